/* A stand-in for libhighs used by tests/lp/test_highs.cpp: it exports HiGHS's version functions
 * with the version given at compile time (FAKE_MAJOR.FAKE_MINOR.3) and nothing else, so ehub must
 * refuse it, naming that version (an old one) or the first C function it lacks. */
#if defined(__GNUC__)
#define FAKE_EXPORT __attribute__((visibility("default")))
#else
#define FAKE_EXPORT
#endif

FAKE_EXPORT int Highs_versionMajor(void) { return FAKE_MAJOR; }
FAKE_EXPORT int Highs_versionMinor(void) { return FAKE_MINOR; }
FAKE_EXPORT int Highs_versionPatch(void) { return 3; }
