// send via the twilio provider to a fake on 127.0.0.1 against curl sending
// the same request: same URL, the form body smsotp sent (recorded by the
// fake), the same Basic auth. Over HTTPS both trust the same throw-away CA
// (smsotp through ca_file, curl through --cacert); over plain HTTP, which
// isolates smsotp's own work, the difference in ms is the figure to watch.

#include "bench.hpp"
#include "bench_util.hpp"
#include "fake_twilio.hpp"

#include <filesystem>

namespace bench {

namespace {

const std::string k_account = "AC" + std::string(32, '0');
const std::string k_token = "bench-token-not-secret";

std::string twilio_provider(const std::string& base_url,
                            const std::string& ca_file)
{
  return "[provider.tw]\nkind = \"twilio\"\naccount_sid = \"" + k_account
         + "\"\nfrom = \"+15005550006\"\nauth_token_env = \"BENCH_TOKEN\"\n"
           "base_url = \""
         + base_url + "\"\n"
         + (ca_file.empty() ? "" : "ca_file = \"" + ca_file + "\"\n");
}

void compare_send(const Setup& setup,
                  const char* name,
                  const char* a_name,
                  const char* b_name,
                  const std::string& prefix,
                  const TestCa* tls,
                  Target goal)
{
  const FakeTwilio fake(tls);
  const std::string config = write_config(
      setup.dir + "/send/" + name + ".toml",
      setup.dir + "/send/state.db",
      twilio_provider(fake.base_url(), tls != nullptr ? tls->ca_cert : ""));
  // One send records the request that curl repeats.
  must({setup.smsotp, "-c", config, "send", "--to", prefix + "0000"});
  const std::string body = fake.last_body();
  std::vector<std::string> curl{"curl",
                                "-s",
                                "-f",
                                "-o",
                                "/dev/null",
                                "-u",
                                k_account + ":" + k_token,
                                "-d",
                                body};
  if (tls != nullptr) {
    curl.insert(curl.begin() + 1, {"--cacert", tls->ca_cert});
  }
  curl.push_back(fake.base_url() + "/2010-04-01/Accounts/" + k_account
                 + "/Messages.json");
  compare(
      name,
      a_name,
      b_name,
      setup.rounds,
      [&](int i) {
        return run_ms({setup.smsotp,
                       "-c",
                       config,
                       "send",
                       "--to",
                       prefix + std::to_string(1010 + i)});
      },
      [&](int) { return run_ms(curl); },
      goal);
}

} // namespace

void bench_send(const Setup& setup)
{
  std::filesystem::create_directories(setup.dir + "/send");
  setenv("BENCH_TOKEN", k_token.c_str(), 1);
  compare_send(setup,
               "send",
               "smsotp send (twilio, local fake, HTTP)",
               "curl POST, same request",
               "+1503420",
               nullptr,
               {Target::On::difference, 5.0});
  const TestCa ca = make_test_ca(setup.dir + "/send");
  compare_send(setup,
               "https",
               "smsotp send (twilio, HTTPS, test CA)",
               "curl --cacert POST, same request",
               "+1503430",
               &ca,
               {Target::On::ratio, 1.1});
}

} // namespace bench
