// The list of sub-commands defined outside main.cpp. Add a command by writing
// `Command add_<name>_command(CLI::App&)` in its own file under src/cli/ and listing it here.
#include <vector>

#include "commands.hpp"

namespace ehub::cli {

Command add_certify_command(CLI::App& app);
Command add_simulate_command(CLI::App& app);
Command add_forecast_command(CLI::App& app);
Command add_store_command(CLI::App& app);
Command add_ems_command(CLI::App& app);
Command add_ems_baseline_command(CLI::App& app);
Command add_ems_alarms_command(CLI::App& app);
Command add_dr_command(CLI::App& app);

std::vector<Command> extra_commands(CLI::App& app) {
  // The ems sub-commands defined in other files need the ems command first and are listed before
  // it, so that main runs them (and not the ems command's usage) when they were given.
  Command ems = add_ems_command(app);
  Command baseline = add_ems_baseline_command(app);
  Command alarms = add_ems_alarms_command(app);
  return {add_certify_command(app), add_simulate_command(app), add_forecast_command(app), add_store_command(app), baseline, alarms, ems,
          add_dr_command(app)};
}

}  // namespace ehub::cli
