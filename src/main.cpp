#include "cli/app.hpp"

int main(int argc, char** argv)
{
  const smsotp::util::SystemClock clock;
  return smsotp::cli::main(argc, argv, clock);
}
