#include "cli/app.hpp"
#include "core/otp.hpp"

int main(int argc, char** argv)
{
  smsotp::core::init_openssl();
  const smsotp::util::SystemClock clock;
  return smsotp::cli::main(argc, argv, clock);
}
