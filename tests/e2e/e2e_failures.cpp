// The provider/network rows F1-F18 of research/security.md that apply,
// through the binary: exit status, message, how many requests reached a
// server, and whether the code survived (only an unknown outcome, 76,
// keeps it valid: the message may be on its way). F9's retries, F19, F20
// and interruptions are in e2e_network.cpp.

#include "failure_steps.hpp"
#include "raw_servers.hpp"

using namespace e2e;
using namespace std::chrono_literals;

namespace {

const std::string k_twilio_messages =
    "/2010-04-01/Accounts/AC00112233445566778899aabbccddeeff/Messages.json";

Outcome over_tls(const Sandbox& box, bool with_ca, const std::string& host)
{
  const auto cert = make_test_cert(box);
  const FakeProvider fake(kind_handler("twilio"), &cert);
  auto outcome = send_json(
      box,
      kinds_config(box,
                   {{"twilio",
                     "twilio",
                     "https://" + host + ":" + std::to_string(fake.port()),
                     with_ca ? cert.cert : "",
                     "retries = 0\n"}}));
  outcome.requests = fake.request_count();
  return outcome;
}

const std::vector<Row>& rows()
{
  static const std::vector<Row> k_rows{
      {"F1 DNS failure",
       75,
       0,
       "cannot reach the provider.*; not sent",
       [](const Sandbox& box) {
         return nowhere(box, "https://nonexistent.invalid");
       }},
      {"F2 connection refused",
       75,
       0,
       "cannot reach the provider.*; not sent",
       [](const Sandbox& box) {
         return nowhere(box,
                        "http://127.0.0.1:" + std::to_string(closed_port()));
       }},
      {"F3 certificate not trusted",
       69,
       0,
       "TLS verification failed",
       [](const Sandbox& box) { return over_tls(box, false, "127.0.0.1"); }},
      {"F4 certificate for another host name",
       69,
       0,
       "TLS verification failed",
       [](const Sandbox& box) { return over_tls(box, true, "localhost"); }},
      {"F5 TLS handshake with a server that speaks plain HTTP: not sent",
       75,
       0,
       "cannot reach the provider.*; not sent",
       [](const Sandbox& box) {
         const FakeProvider plain(kind_handler("twilio"));
         auto outcome =
             nowhere(box, "https://127.0.0.1:" + std::to_string(plain.port()));
         outcome.requests = plain.request_count();
         return outcome;
       }},
      {"F5 TLS handshake never answered: nothing was sent",
       75,
       0,
       "cannot reach the provider.*; not sent",
       [](const Sandbox& box) {
         const SilentServer silent;
         return send_json(
             box,
             kinds_config(
                 box,
                 {{"twilio",
                   "twilio",
                   "https://127.0.0.1:" + std::to_string(silent.port()),
                   "",
                   "retries = 0\ntimeout = \"1s\"\nconnect_timeout = "
                   "\"1s\"\n"}}));
       }},
      {"F6 twilio 21211 invalid number",
       69,
       1,
       "twilio error 21211",
       [](const Sandbox& box) {
         return against(box, twilio_error(400, 21211));
       }},
      {"F7 twilio 21610 unsubscribed",
       69,
       1,
       "twilio error 21610",
       [](const Sandbox& box) {
         return against(box, twilio_error(400, 21610));
       }},
      {"F8 HTTP 401",
       77,
       1,
       "credentials rejected \\(HTTP 401\\)",
       [](const Sandbox& box) {
         return against(box, twilio_error(401, 20003));
       }},
      {"F8 HTTP 403",
       77,
       1,
       "credentials rejected \\(HTTP 403\\)",
       [](const Sandbox& box) {
         return against(box, twilio_error(403, 20003));
       }},
      {"F9 HTTP 429 with Retry-After: 45",
       75,
       1,
       "rate-limited.*\\(retry-after: 45s\\)",
       [](const Sandbox& box) {
         return against(
             box, retry_after(twilio_error(429, 20429), 45), "twilio", "");
       }},
      {"F9 HTTP 429 without Retry-After, retries = 2",
       75,
       3,
       "rate-limited.*\\(retry-after: 30s\\)",
       [](const Sandbox& box) {
         return against(
             box, twilio_error(429, 20429), "twilio", "retries = 2\n");
       }},
      {"F10 HTTP 500",
       76,
       1,
       "HTTP 500 from the provider; delivery status unknown",
       [](const Sandbox& box) {
         return against(box, twilio_error(500, 20500));
       }},
      {"F10 HTTP 502",
       76,
       1,
       "HTTP 502 from the provider",
       [](const Sandbox& box) {
         return against(box, {502, "bad gateway", "text/html"});
       }},
      {"F10 HTTP 504",
       76,
       1,
       "HTTP 504 from the provider",
       [](const Sandbox& box) {
         return against(box, {504, "", "text/plain"});
       }},
      {"F11 HTML page with 200",
       76,
       1,
       "delivery status unknown",
       [](const Sandbox& box) {
         return against(box, twilio_answer(Reply::html_ok));
       }},
      {"F12 truncated JSON",
       76,
       1,
       "delivery status unknown",
       [](const Sandbox& box) {
         return against(box,
                        {201, R"({"sid":"SM0123456789abcdef","status":"que)"});
       }},
      {"F13 JSON without a sid",
       76,
       1,
       "without a message sid",
       [](const Sandbox& box) {
         return against(box, twilio_answer(Reply::no_sid));
       }},
      {"F13 plivo JSON without message_uuid",
       76,
       1,
       "without a message_uuid",
       [](const Sandbox& box) {
         return against(
             box, {202, R"({"api_id":"x","message":"queued"})"}, "plivo");
       }},
      {"F14 vonage status 1 (throttled)",
       75,
       1,
       "vonage status 1 \\(throttled\\)",
       [](const Sandbox& box) {
         return against(box, vonage_status("1"), "vonage");
       }},
      {"F14 vonage status 4 (credentials)",
       77,
       1,
       "vonage status 4",
       [](const Sandbox& box) {
         return against(box, vonage_status("4"), "vonage");
       }},
      {"F14 vonage status 9 (quota)",
       69,
       1,
       "vonage status 9",
       [](const Sandbox& box) {
         return against(box, vonage_status("9"), "vonage");
       }},
      {"F15 answer over 64 KiB",
       76,
       1,
       "larger than 64 KiB",
       [](const Sandbox& box) {
         return against(
             box,
             {200,
              R"({"sid":"SM1","pad":")" + std::string(100000, 'x') + "\"}"});
       }},
      {"F16 no answer within the timeout",
       76,
       1,
       "delivery status unknown",
       [](const Sandbox& box) {
         return against(box,
                        with(twilio_answer(Reply::created), 3s),
                        "twilio",
                        "retries = 0\ntimeout = \"1s\"\n");
       }},
      {"F16 over TLS: the request went out, no answer within the timeout",
       76,
       1,
       "delivery status unknown",
       [](const Sandbox& box) {
         const auto cert = make_test_cert(box);
         const FakeProvider fake(
             always(with(twilio_answer(Reply::created), 3s)), &cert);
         auto outcome = send_json(box,
                                  kinds_config(box,
                                               {{"twilio",
                                                 "twilio",
                                                 fake.base_url(),
                                                 cert.cert,
                                                 "retries = 2\ntimeout = "
                                                 "\"1s\"\n"}}));
         const auto requests = fake.requests();
         outcome.requests = requests.size();
         outcome.code = requests.empty() ? "" : code_in(requests.back());
         return outcome;
       }},
      {"F16 an answer dripping one byte at a time",
       76,
       1,
       "delivery status unknown",
       [](const Sandbox& box) {
         return against(box,
                        with(twilio_answer(Reply::created), 0ms, 100ms),
                        "twilio",
                        "retries = 0\ntimeout = \"1s\"\n");
       }},
      {"F16 plain http: the request went out, no answer ever came",
       76,
       0,
       "delivery status unknown",
       [](const Sandbox& box) {
         const SilentServer silent;
         return send_json(
             box,
             kinds_config(box,
                          {{"twilio",
                            "twilio",
                            "http://127.0.0.1:" + std::to_string(silent.port()),
                            "",
                            "retries = 0\ntimeout = \"1s\"\n"}}));
       }},
      {"F17 connection reset after the request",
       76,
       1,
       "delivery status unknown",
       [](const Sandbox& box) {
         const RawServer server(RawPhase::reset_after_request);
         auto outcome = send_json(box,
                                  kinds_config(box,
                                               {{"twilio",
                                                 "twilio",
                                                 server.base_url(),
                                                 "",
                                                 "retries = 0\n"}}));
         outcome.requests = server.request_count();
         const auto bodies = server.bodies();
         outcome.code =
             bodies.empty() ? "" : code_in_text(url_decode(bodies[0]));
         return outcome;
       }},
      {"F18 redirect: the server read the request, outcome unknown",
       76,
       1,
       "unexpected redirect \\(HTTP 302\\), not followed; delivery status "
       "unknown",
       [](const Sandbox& box) {
         const FakeProvider target(kind_handler("twilio"));
         auto outcome =
             against(box,
                     {302,
                      "",
                      "text/html",
                      {{"Location", target.base_url() + k_twilio_messages}}});
         CHECK(target.request_count() == 0);
         return outcome;
       }},
  };
  return k_rows;
}

} // namespace

TEST_CASE("F-rows: each provider failure has its exit status and keeps the "
          "code only when delivery is unknown")
{
  for (const auto& row : rows()) {
    check_row(row);
  }
}
