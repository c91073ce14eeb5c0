// doctest's main() for the end-to-end suite; the cases are in e2e_*.cpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
