// Each kind's own failure shapes through the binary (HTTP 200 with a
// refusal inside, per-kind error codes, answers without an id), and what
// they mean for failover: a rejected recipient stops the chain, any other
// refusal lets the next provider try, an unknown outcome never does.

#include "failure_steps.hpp"

using namespace e2e;

namespace {

struct Shape
{
  const char* name;
  const char* kind;
  Answer answer;
  int expected;
  bool recipient; // a rejection of the number: no failover
  const char* stderr_has;
  std::string extra; // more lines for the provider's table
};

// A failure rule for the generic gateway of provider_kinds.cpp.
const std::string k_failure_rule = "failure_regex = '\"status\": *\"error\"'\n";

Answer xml(int status, const std::string& code, const std::string& message)
{
  return {status,
          "<ErrorResponse><Error><Type>Sender</Type><Code>" + code
              + "</Code><Message>" + message
              + "</Message></Error><RequestId>e2e</RequestId></ErrorResponse>",
          "text/xml"};
}

const std::vector<Shape>& shapes()
{
  static const std::vector<Shape> k_shapes{
      {"twilio 201 with status failed",
       "twilio",
       {201, R"({"sid":"SM1","status":"failed"})"},
       69,
       false,
       "twilio reported status failed",
       ""},
      {"vonage accepted 1 of 2 parts",
       "vonage",
       {200,
        R"({"message-count":"2","messages":[{"status":"0",)"
        R"("message-id":"a"},{"status":"1","error-text":"Throttled"}]})"},
       76,
       false,
       "accepted only 1 of 2 message parts",
       ""},
      {"vonage status 6 (unroutable number)",
       "vonage",
       vonage_status("6"),
       69,
       true,
       "vonage status 6",
       ""},
      {"plivo: dst is not a valid phone number",
       "plivo",
       {400, R"({"api_id":"x","error":"dst is not a valid phone number"})"},
       69,
       true,
       "invalid or barred recipient",
       ""},
      {"plivo: src not owned",
       "plivo",
       {400, R"({"api_id":"x","error":"src parameter not owned by you"})"},
       69,
       false,
       "rejected \\(HTTP 400\\)",
       ""},
      {"telnyx 10002 invalid phone number",
       "telnyx",
       {422, R"({"errors":[{"code":"10002","title":"Invalid phone number"}]})"},
       69,
       true,
       "telnyx error 10002",
       ""},
      {"telnyx 200 without data.id",
       "telnyx",
       {200, R"({"data":{"record_type":"message"}})"},
       76,
       false,
       "without a message id",
       ""},
      {"sinch: format of to[0] invalid",
       "sinch",
       {400,
        R"({"code":"syntax_invalid_parameter_format","text":"The format )"
        R"(of parameter 'to[0]' is invalid"})"},
       69,
       true,
       "sinch syntax_invalid_parameter_format",
       ""},
      {"messagebird code 2 (access key)",
       "messagebird",
       {422, R"({"errors":[{"code":2,"description":"Request not allowed"}]})"},
       77,
       false,
       "credentials rejected",
       ""},
      {"messagebird code 25 (balance)",
       "messagebird",
       {422, R"({"errors":[{"code":25,"description":"Not enough balance"}]})"},
       69,
       false,
       "not enough balance",
       ""},
      {"messagebird code 10 on recipients",
       "messagebird",
       {422,
        R"({"errors":[{"code":10,"description":"invalid",)"
        R"("parameter":"recipients"}]})"},
       69,
       true,
       "messagebird error 10 on recipients",
       ""},
      {"clicksend 200 with INVALID_RECIPIENT",
       "clicksend",
       {200,
        R"({"http_code":200,"response_code":"SUCCESS","data":{"messages":)"
        R"([{"status":"INVALID_RECIPIENT"}]}})"},
       69,
       true,
       "clicksend INVALID_RECIPIENT",
       ""},
      {"clicksend 200 with INSUFFICIENT_CREDIT",
       "clicksend",
       {200,
        R"({"http_code":200,"response_code":"SUCCESS","data":{"messages":)"
        R"([{"status":"INSUFFICIENT_CREDIT"}]}})"},
       69,
       false,
       "not enough credit",
       ""},
      {"clicksend 200 without a message status",
       "clicksend",
       {200, R"({"http_code":200,"response_code":"SUCCESS","data":{}})"},
       76,
       false,
       "without a message status",
       ""},
      {"aws-sns Throttling",
       "aws-sns",
       xml(400, "Throttling", "Rate exceeded"),
       75,
       false,
       "rate-limited by the provider \\(HTTP 400, aws Throttling\\)",
       ""},
      {"aws-sns InvalidClientTokenId",
       "aws-sns",
       xml(400, "InvalidClientTokenId", "The security token is invalid"),
       77,
       false,
       "credentials rejected \\(HTTP 400, aws InvalidClientTokenId\\)",
       ""},
      {"aws-sns InvalidParameter PhoneNumber",
       "aws-sns",
       xml(400,
           "InvalidParameter",
           "Invalid parameter: PhoneNumber Reason: +15551234567 is not valid"),
       69,
       true,
       "rejected recipient \\(HTTP 400, aws InvalidParameter\\)",
       ""},
      {"aws-sns 200 without a MessageId",
       "aws-sns",
       {200, "<PublishResponse><PublishResult/></PublishResponse>", "text/xml"},
       76,
       false,
       "without a MessageId",
       ""},
      {"vonage status 99 (not documented)",
       "vonage",
       vonage_status("99"),
       76,
       false,
       "vonage status 99 is not a documented one",
       ""},
      {"http gateway says no in a 200, no failure rule",
       "http",
       {200, R"({"status":"error","reason":"bad number"})"},
       76,
       false,
       "is not \"ok\" and no failure rule matches",
       ""},
      {"http gateway says no in a 200, failure_regex matches",
       "http",
       {200, R"({"status": "error","reason":"bad sender"})"},
       69,
       false,
       "rejected \\(HTTP 200, /status is not \"ok\"\\)",
       k_failure_rule},
      {"http gateway answers HTML to a JSON rule, failure_regex set",
       "http",
       {200, "<html>Sign in to the Wi-Fi</html>", "text/html"},
       76,
       false,
       "unparseable response",
       k_failure_rule},
      {"http gateway answers JSON without the status field",
       "http",
       {200, R"({"id":"1"})"},
       76,
       false,
       "does not match success_json_pointer",
       ""},
      {"http gateway answers text where JSON is expected",
       "http",
       {200, "OK 12345", "text/plain"},
       76,
       false,
       "unparseable response",
       ""},
      {"http gateway answers a 2xx not in success_status",
       "http",
       {203, R"({"status":"ok","id":"1"})"},
       76,
       false,
       "not in success_status",
       ""},
  };
  return k_shapes;
}

} // namespace

TEST_CASE("each kind maps its own failure shapes")
{
  for (const auto& shape : shapes()) {
    check_row({shape.name,
               shape.expected,
               1,
               shape.stderr_has,
               [&shape](const Sandbox& box) {
                 return against(box,
                                shape.answer,
                                shape.kind,
                                "retries = 0\n" + shape.extra);
               }});
  }
}

TEST_CASE("every kind: 401 is 77, 429 with a long Retry-After is 75, 500 is "
          "76")
{
  for (const auto& kind : http_kinds()) {
    const std::string kind_name = kind;
    CAPTURE(kind_name);
    check_row({"401",
               77,
               1,
               "credentials rejected \\(HTTP 401\\)",
               [&kind](const Sandbox& box) {
                 return against(box, {401, "{}"}, kind, "");
               }});
    check_row({"429",
               75,
               1,
               "rate-limited.*\\(retry-after: 60s\\)",
               [&kind](const Sandbox& box) {
                 return against(box, retry_after({429, "{}"}, 60), kind, "");
               }});
    check_row({"500",
               76,
               1,
               "HTTP 500 from the provider",
               [&kind](const Sandbox& box) {
                 return against(box, {500, "{}"}, kind, "");
               }});
  }
}

TEST_CASE("a rejected recipient stops the chain for every kind; other "
          "refusals fail over; unknown outcomes never do")
{
  for (const auto& shape : shapes()) {
    const std::string name = shape.name;
    CAPTURE(name);
    const Sandbox box;
    const FakeProvider first(always(shape.answer));
    const FakeProvider backup(kind_handler("twilio"));
    const std::string config =
        kinds_config(box,
                     {{"first",
                       shape.kind,
                       first.base_url(),
                       "",
                       "retries = 0\n" + shape.extra},
                      {"backup", "twilio", backup.base_url(), "", ""}});
    const auto sent = box.run({"-c", config, "send", "--to", k_to});
    CAPTURE(sent.err);
    CHECK(first.request_count() == 1);
    const bool fails_over = !shape.recipient && shape.expected != 76;
    CHECK(backup.request_count() == (fails_over ? 1U : 0U));
    CHECK(sent.exit_code == (fails_over ? 0 : shape.expected));
  }
}
