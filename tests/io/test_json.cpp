// Tests of ehub/io/json.hpp: parse errors with line/column, JsonReader values and error paths.
#include "ehub/io/json.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace {

using ehub::InputError;
using ehub::io::JsonReader;
using nlohmann::json;

// Runs f, which must throw InputError, and returns the error.
template <typename F>
InputError input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("", "", "");
}

std::string temp_file(const std::string& name, const std::string& content) {
  const auto p = std::filesystem::temp_directory_path() / ("ehub_json_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

const char* const kPark = R"({
  "name": "park",
  "year": 2025,
  "devices": [
    {"type": "pv", "capacity_kw": 500, "tilt_deg": 25.5},
    {"type": "battery", "capacity_kwh": 0, "efficiency": 0.95},
    {"type": "chp", "capacity_kw": -5, "efficiency": 1.5, "min_load": "NaN", "count": 2.5},
    {"type": "boiler"}
  ],
  "profile": [1, 2.5, "x", 4],
  "active": true,
  "nothing": null,
  "a/b~c": 7
})";

TEST(Json, ParsesAndReadsTypedValues) {
  const json j = ehub::io::parse_json(kPark, "park.json");
  const JsonReader r(j, "park.json");
  EXPECT_EQ(r.required_string("name"), "park");
  EXPECT_EQ(r.required_int("year"), 2025);
  EXPECT_TRUE(r.boolean("active"));
  EXPECT_EQ(r.at("devices").size(), 4u);
  const JsonReader pv = r.at("devices").at(0);
  EXPECT_EQ(pv.pointer(), "/devices/0");
  EXPECT_DOUBLE_EQ(pv.positive_number("capacity_kw"), 500.0);
  EXPECT_DOUBLE_EQ(pv.number_in_range("tilt_deg", 0, 90), 25.5);
  EXPECT_DOUBLE_EQ(r.at("devices").at(1).non_negative_number("capacity_kwh"), 0.0);
  EXPECT_DOUBLE_EQ(r.at("devices").at(1).number_in_range("efficiency", 0, 1), 0.95);
  // Optional values: missing and null give the default, present values win.
  EXPECT_DOUBLE_EQ(pv.optional_number("albedo", 0.2), 0.2);
  EXPECT_DOUBLE_EQ(r.optional_number("nothing", 3.0), 3.0);
  EXPECT_DOUBLE_EQ(pv.optional_number("tilt_deg", 0.0), 25.5);
  EXPECT_EQ(r.optional_string("currency", "CNY"), "CNY");
  EXPECT_EQ(r.optional_int("year", 1), 2025);
  EXPECT_FALSE(r.optional_boolean("verbose", false));
  EXPECT_TRUE(r.has("nothing"));
  EXPECT_FALSE(r.has("missing"));
  const std::vector<std::string> keys = r.keys();
  EXPECT_EQ(keys, (std::vector<std::string>{"a/b~c", "active", "devices", "name", "nothing", "profile", "year"}));
  // An integral floating value is an integer.
  EXPECT_EQ(JsonReader(json::parse("{\"n\": 4.0}"), "").required_int("n"), 4);
}

TEST(Json, MissingRequiredKeyNamesTheFullPointer) {
  const json j = ehub::io::parse_json(kPark, "park.json");
  const JsonReader r(j, "park.json");
  const InputError e = input_error([&] { r.at("devices").at(3).positive_number("capacity_kw"); });
  EXPECT_EQ(e.file(), "park.json");
  EXPECT_EQ(e.path(), "/devices/3/capacity_kw");
  EXPECT_EQ(e.detail(), "required key is missing");
  EXPECT_STREQ(e.what(), "[ehub.input] park.json: /devices/3/capacity_kw: required key is missing");
  EXPECT_EQ(input_error([&] { r.at("sites"); }).path(), "/sites");
}

TEST(Json, NegativeZeroAndOutOfRangeValues) {
  const json j = ehub::io::parse_json(kPark, "park.json");
  const JsonReader chp = JsonReader(j, "park.json").at("devices").at(2);
  InputError e = input_error([&] { chp.positive_number("capacity_kw"); });
  EXPECT_EQ(e.path(), "/devices/2/capacity_kw");
  EXPECT_EQ(e.detail(), "must be > 0, got -5");
  EXPECT_STREQ(e.what(), "[ehub.input] park.json: /devices/2/capacity_kw: must be > 0, got -5");
  e = input_error([&] { chp.non_negative_number("capacity_kw"); });
  EXPECT_EQ(e.detail(), "must be >= 0, got -5");
  e = input_error([&] { JsonReader(j, "park.json").at("devices").at(1).positive_number("capacity_kwh"); });
  EXPECT_EQ(e.path(), "/devices/1/capacity_kwh");
  EXPECT_EQ(e.detail(), "must be > 0, got 0");
  e = input_error([&] { chp.number_in_range("efficiency", 0, 1); });
  EXPECT_EQ(e.path(), "/devices/2/efficiency");
  EXPECT_EQ(e.detail(), "must be in [0, 1], got 1.5");
}

TEST(Json, NanStringAndNanValueAreRejected) {
  const json j = ehub::io::parse_json(kPark, "park.json");
  const JsonReader chp = JsonReader(j, "park.json").at("devices").at(2);
  InputError e = input_error([&] { chp.positive_number("min_load"); });
  EXPECT_EQ(e.path(), "/devices/2/min_load");
  EXPECT_EQ(e.detail(), "expected a number, got string \"NaN\"");
  // JSON text cannot hold NaN, but a document built in code (or from Python) can.
  json built;
  built["capacity_kw"] = std::numeric_limits<double>::quiet_NaN();
  built["limit_kw"] = -std::numeric_limits<double>::infinity();
  e = input_error([&] { JsonReader(built, "").positive_number("capacity_kw"); });
  EXPECT_EQ(e.path(), "/capacity_kw");
  EXPECT_EQ(e.detail(), "must be a finite number, got NaN");
  EXPECT_STREQ(e.what(), "[ehub.input] /capacity_kw: must be a finite number, got NaN");
  e = input_error([&] { JsonReader(built, "").optional_number("limit_kw", 1.0); });
  EXPECT_EQ(e.detail(), "must be a finite number, got -inf");
}

TEST(Json, WrongTypesNameTheValueFound) {
  const json j = ehub::io::parse_json(kPark, "park.json");
  const JsonReader r(j, "park.json");
  InputError e = input_error([&] { r.required_string("year"); });
  EXPECT_EQ(e.path(), "/year");
  EXPECT_EQ(e.detail(), "expected a string, got number 2025");
  e = input_error([&] { r.at("devices").at(2).required_int("count"); });
  EXPECT_EQ(e.path(), "/devices/2/count");
  EXPECT_EQ(e.detail(), "expected an integer, got 2.5");
  e = input_error([&] { r.at("devices").at(7); });
  EXPECT_EQ(e.path(), "/devices/7");
  EXPECT_EQ(e.detail(), "index 7 is out of range (the array has 4 elements)");
  e = input_error([&] { r.at("name").at("x"); });
  EXPECT_EQ(e.path(), "/name");
  EXPECT_EQ(e.detail(), "expected an object, got string \"park\"");
  e = input_error([&] { r.at("devices").required_number("x"); });
  EXPECT_EQ(e.path(), "/devices");
  EXPECT_EQ(e.detail(), "expected an object, got an array");
  e = input_error([&] { r.boolean("nothing"); });
  EXPECT_EQ(e.detail(), "expected true or false, got null");
  // The bad element of an array is named by its index.
  e = input_error([&] { r.array_of_numbers("profile"); });
  EXPECT_EQ(e.path(), "/profile/2");
  EXPECT_EQ(e.detail(), "expected a number, got string \"x\"");
  EXPECT_EQ(JsonReader(json::parse("{\"p\": [1, 2.5, -3]}"), "").array_of_numbers("p"),
            (std::vector<double>{1.0, 2.5, -3.0}));
}

TEST(Json, PointerTokensAreEscapedPerRfc6901) {
  EXPECT_EQ(ehub::io::escape_json_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(ehub::io::escape_json_pointer_token("~1"), "~01");
  const json j = ehub::io::parse_json(kPark, "park.json");
  const JsonReader r(j, "park.json");
  EXPECT_EQ(r.at("a/b~c").pointer(), "/a~1b~0c");
  const InputError e = input_error([&] { r.required_string("a/b~c"); });
  EXPECT_EQ(e.path(), "/a~1b~0c");
  // The escaped pointer finds the value again with nlohmann's own JSON pointer.
  EXPECT_EQ(j.at(json::json_pointer(e.path())).get<int>(), 7);
}

TEST(Json, UnknownKeysAreReported) {
  const json j = json::parse(R"({"capacity_kw": 1, "capcity_kw": 2})");
  const InputError e = input_error([&] { JsonReader(j, "x.json", "/devices/0").expect_only_keys({"capacity_kw"}); });
  EXPECT_EQ(e.path(), "/devices/0/capcity_kw");
  EXPECT_EQ(e.detail(), "unknown key \"capcity_kw\" (did you mean \"capacity_kw\"?); known keys: capacity_kw");
  EXPECT_NO_THROW(JsonReader(j, "x.json").expect_only_keys({"capacity_kw", "capcity_kw"}));
}

TEST(Json, NearestNameSuggestsOnlyLikelyMisspellings) {
  const std::vector<std::string> keys = {"min_green_share", "max_emissions_kg", "constraints", "sell_per_kwh"};
  EXPECT_EQ(ehub::io::nearest_name("constraint", keys), "constraints");      // one deletion
  EXPECT_EQ(ehub::io::nearest_name("sell_per_kWh", keys), "sell_per_kwh");   // case only
  EXPECT_EQ(ehub::io::nearest_name("max_emisions_kg", keys), "max_emissions_kg");
  EXPECT_EQ(ehub::io::nearest_name("sell_price_per_kwh", keys), "sell_per_kwh");  // contains it
  EXPECT_EQ(ehub::io::nearest_name("zzz", keys), "");                        // nothing close
  EXPECT_EQ(ehub::io::unknown_key_message("zzz", {"a", "b"}, "in /time"), "unknown key \"zzz\" in /time; known keys: a, b");
}

TEST(Json, MalformedTextGivesLineAndColumn) {
  // Line 3 is `  "b": ]`; the unexpected ']' is its 8th character.
  InputError e = input_error([] { ehub::io::parse_json("{\n  \"a\": 1,\n  \"b\": ]\n}", "bad.json"); });
  EXPECT_EQ(e.file(), "bad.json");
  EXPECT_EQ(e.path(), "line 3, column 8");
  EXPECT_NE(e.detail().find("malformed JSON"), std::string::npos);
  EXPECT_EQ(e.detail().find("[json.exception"), std::string::npos) << e.detail();
  // A missing closing brace is found at the end of the text: line 2.
  e = input_error([] { ehub::io::parse_json("{\"a\": [1, 2]\n", "cut.json"); });
  EXPECT_EQ(e.path().rfind("line 2, column", 0), 0u) << e.path();
  e = input_error([] { ehub::io::parse_json("", "empty.json"); });
  EXPECT_EQ(e.file(), "empty.json");
  EXPECT_EQ(e.path().rfind("line 1", 0), 0u) << e.path();
  EXPECT_THROW(ehub::io::parse_json("[1, 2] 3", ""), InputError);
  e = input_error([] { ehub::io::parse_json("{\"a\": 1e999}", "big.json"); });
  EXPECT_EQ(e.file(), "big.json");
  EXPECT_EQ(e.detail(), "malformed JSON: number overflow parsing '1e999'");
}

TEST(Json, FilesNameThemselvesInErrors) {
  const std::string good = temp_file("good.json", "{\"capacity_kw\": 12.5}");
  const json j = ehub::io::load_json_file(good);
  EXPECT_DOUBLE_EQ(JsonReader(j, good).positive_number("capacity_kw"), 12.5);
  std::filesystem::remove(good);

  const std::string bad = temp_file("bad.json", "{\r\n  \"capacity_kw\": 1,,\r\n}");
  InputError e = input_error([&] { ehub::io::load_json_file(bad); });
  EXPECT_EQ(e.file(), bad);
  EXPECT_EQ(e.path().rfind("line 2, column", 0), 0u) << e.path();
  EXPECT_NE(std::string(e.what()).find(bad), std::string::npos);
  std::filesystem::remove(bad);

  e = input_error([] { ehub::io::load_json_file("/nonexistent/dir/park.json"); });
  EXPECT_EQ(e.file(), "/nonexistent/dir/park.json");
  EXPECT_EQ(e.detail().rfind("cannot open", 0), 0u) << e.detail();
  e = input_error([] { ehub::io::load_json_file(std::filesystem::temp_directory_path().string()); });
  EXPECT_EQ(e.detail(), "cannot open: is a directory");
}

TEST(Json, ErrorHelperUsesTheReadersLocation) {
  const json j = json::parse(R"({"devices": [{"min_kw": 5, "max_kw": 3}]})");
  const JsonReader d = JsonReader(j, "p.json").at("devices").at(0);
  const InputError e = d.error_at("max_kw", "must be >= min_kw (5), got 3");
  EXPECT_STREQ(e.what(), "[ehub.input] p.json: /devices/0/max_kw: must be >= min_kw (5), got 3");
  EXPECT_EQ(d.error("bad device").path(), "/devices/0");
  EXPECT_EQ(ehub::io::format_number(0.1), "0.1");
  EXPECT_EQ(ehub::io::format_number(-5), "-5");
  EXPECT_EQ(ehub::io::format_number(1e21), "1e+21");
}

}  // namespace
