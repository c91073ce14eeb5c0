// `providers test NAME --to N --wait DURATION` (issue 10 item 5): after the
// send, the provider's message-status API is asked until the message is
// delivered (0), failed (69), or still pending at the deadline (76), for
// every kind that has such an API, against fakes that speak each API's
// wire format. Kinds without one refuse --wait before sending (64).

#include "kind_values.hpp"
#include "provider_kinds.hpp"
#include "steps.hpp"

#include <atomic>
#include <chrono>
#include <memory>

using namespace e2e;
using namespace e2e::kinds;

namespace {

const std::vector<std::string>& status_kinds()
{
  static const std::vector<std::string> k_kinds{
      "twilio", "plivo", "telnyx", "messagebird", "sinch", "clicksend"};
  return k_kinds;
}

// The path of the kind's message-status request for the fake's message.
std::string status_path(const std::string& kind)
{
  const std::string id = kind_message_id(kind);
  if (kind == "twilio") {
    return std::string("/2010-04-01/Accounts/") + k_twilio_sid + "/Messages/"
           + id + ".json";
  }
  if (kind == "plivo") {
    return std::string("/v1/Account/") + k_plivo_id + "/Message/" + id + "/";
  }
  if (kind == "telnyx") {
    return "/v2/messages/" + id;
  }
  if (kind == "messagebird") {
    return "/messages/" + id;
  }
  if (kind == "sinch") {
    return std::string("/xms/v1/") + k_sinch_plan + "/batches/" + id
           + "/delivery_report/" + std::string(k_to).substr(1);
  }
  return "/v3/sms/receipts/" + id;
}

// The kind's status answer carrying `word`.
Answer status_answer(const std::string& kind, const std::string& word)
{
  const std::string id = kind_message_id(kind);
  if (kind == "twilio") {
    return {200, R"({"sid":")" + id + R"(","status":")" + word + R"("})"};
  }
  if (kind == "plivo") {
    return {200,
            R"({"message_uuid":")" + id + R"(","message_state":")" + word
                + R"("})"};
  }
  if (kind == "telnyx") {
    return {200,
            R"({"data":{"record_type":"message","id":")" + id
                + R"(","to":[{"phone_number":")" + k_to + R"(","status":")"
                + word + R"("}]}})"};
  }
  if (kind == "messagebird") {
    return {200,
            R"({"id":")" + id + R"(","recipients":{"totalCount":1,"items":)"
                + R"([{"recipient":15033234567,"status":")" + word
                + R"("}]}})"};
  }
  if (kind == "sinch") {
    return {200,
            R"({"batch_id":")" + id + R"(","code":0,"recipient":"15033234567",)"
                + R"("status":")" + word
                + R"(","type":"recipient_delivery_report_sms"})"};
  }
  return {200,
          R"({"http_code":200,"response_code":"SUCCESS","data":{"message_id":")"
              + id + R"(","status_code":")" + word + R"("}})"};
}

struct Words
{
  std::string pending;
  std::string delivered;
  std::string failed;
};

Words words(const std::string& kind)
{
  if (kind == "twilio") {
    return {"sent", "delivered", "undelivered"};
  }
  if (kind == "plivo") {
    return {"queued", "delivered", "undelivered"};
  }
  if (kind == "telnyx") {
    return {"sending", "delivered", "delivery_failed"};
  }
  if (kind == "messagebird") {
    return {"buffered", "delivered", "delivery_failed"};
  }
  if (kind == "sinch") {
    return {"Dispatched", "Delivered", "Failed"};
  }
  return {"200", "201", "301"};
}

// A fake of `kind` whose status API answers the i-th request with
// answers[i] (the last one from then on); sends as the happy fake does.
Handler status_sequence(const std::string& kind, std::vector<Answer> answers)
{
  auto count = std::make_shared<std::atomic<std::size_t>>(0);
  return [kind, answers, count](const Recorded& request) {
    if (request.method == "GET" && request.path == status_path(kind)) {
      const std::size_t i = count->fetch_add(1);
      return answers.at(std::min(i, answers.size() - 1));
    }
    return kind_answer(kind, request);
  };
}

std::vector<Recorded> status_requests(const FakeProvider& fake,
                                      const std::string& kind)
{
  std::vector<Recorded> found;
  for (const auto& request : fake.requests()) {
    if (request.path == status_path(kind)) {
      found.push_back(request);
    }
  }
  return found;
}

struct Run
{
  Result result;
  std::int64_t elapsed_ms = 0;
};

Run test_with_wait(const Sandbox& box,
                   const std::string& config,
                   const std::string& name,
                   const std::string& wait)
{
  const auto start = std::chrono::steady_clock::now();
  auto result = box.run({"-c",
                         config,
                         "--json",
                         "providers",
                         "test",
                         name,
                         "--to",
                         k_to,
                         "--wait",
                         wait});
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  return {std::move(result), elapsed};
}

void check_no_canaries(const std::string& kind, const Result& result)
{
  for (const auto& canary : kind_canaries(kind)) {
    CHECK_FALSE(contains(result.all(), canary));
  }
}

} // namespace

TEST_CASE("providers test --wait: delivered after pending exits 0, for every "
          "kind with a message-status API")
{
  for (const auto& kind : status_kinds()) {
    CAPTURE(kind);
    const Sandbox box;
    const auto w = words(kind);
    const FakeProvider fake(status_sequence(
        kind,
        {status_answer(kind, w.pending), status_answer(kind, w.delivered)}));
    const std::string config =
        kinds_config(box, {{kind, kind, fake.base_url(), "", "retries = 0\n"}});
    const auto run = test_with_wait(box, config, kind, "30s");
    CAPTURE(run.result.err);
    CHECK(run.result.exit_code == 0);
    const auto json = one_json(run.result);
    CHECK(json["status"] == "sent");
    CHECK(json["provider_message_id"] == kind_message_id(kind));
    CHECK_FALSE(json.contains("error"));
    CHECK(json["delivery"]["state"] == "delivered");
    CHECK(json["delivery"]["provider_status"] == w.delivered);
    const auto requests = status_requests(fake, kind);
    CHECK(requests.size() == 2);
    for (const auto& request : requests) {
      CHECK(has_credentials(kind, request));
    }
    // One send, then only status requests.
    CHECK(fake.request_count() == 3);
    check_no_canaries(kind, run.result);
  }
}

TEST_CASE("providers test --wait: a message the provider reports not "
          "delivered exits 69 with the result and the error in one object")
{
  for (const auto& kind : status_kinds()) {
    CAPTURE(kind);
    const Sandbox box;
    const auto w = words(kind);
    const FakeProvider fake(
        status_sequence(kind, {status_answer(kind, w.failed)}));
    const std::string config =
        kinds_config(box, {{kind, kind, fake.base_url(), "", "retries = 0\n"}});
    const auto run = test_with_wait(box, config, kind, "30s");
    CAPTURE(run.result.err);
    CHECK(run.result.exit_code == 69);
    const auto json = one_json(run.result);
    CHECK(json["provider_message_id"] == kind_message_id(kind));
    CHECK(json["delivery"]["state"] == "failed");
    CHECK(json["delivery"]["provider_status"] == w.failed);
    CHECK(json["error"]["class"] == "refused");
    CHECK(json["error"]["exit_code"] == 69);
    CHECK(status_requests(fake, kind).size() == 1);
    check_no_canaries(kind, run.result);
  }
}

TEST_CASE("providers test --wait: still pending at the deadline exits 76")
{
  for (const auto& kind : status_kinds()) {
    CAPTURE(kind);
    const Sandbox box;
    const FakeProvider fake(
        status_sequence(kind, {status_answer(kind, words(kind).pending)}));
    const std::string config =
        kinds_config(box, {{kind, kind, fake.base_url(), "", "retries = 0\n"}});
    const auto run = test_with_wait(box, config, kind, "1s");
    CAPTURE(run.result.err);
    CHECK(run.result.exit_code == 76);
    CHECK(run.elapsed_ms >= 1000);
    CHECK(run.elapsed_ms < 10000);
    const auto json = one_json(run.result);
    CHECK(json["delivery"]["state"] == "pending");
    CHECK(json["error"]["class"] == "unknown_outcome");
    CHECK(contains(json["error"]["message"].get<std::string>(),
                   "still not delivered after --wait"));
    // Asked at once and again at the deadline.
    CHECK(status_requests(fake, kind).size() >= 2);
  }
}

TEST_CASE("providers test --wait: a final state without a verdict is 76 at "
          "once; a missing report and server errors are waited out")
{
  const Sandbox box;
  const FakeProvider telnyx(status_sequence(
      "telnyx", {status_answer("telnyx", "delivery_unconfirmed")}));
  const FakeProvider sinch(
      status_sequence("sinch",
                      {Answer{404, R"({"code":"not_found"})"},
                       Answer{503, "busy", "text/plain"},
                       status_answer("sinch", "Delivered")}));
  const FakeProvider twilio(status_sequence(
      "twilio", {Answer{200, "<html>portal</html>", "text/html"}}));
  const std::string config = kinds_config(
      box,
      {{"telnyx", "telnyx", telnyx.base_url(), "", "retries = 0\n"},
       {"sinch", "sinch", sinch.base_url(), "", "retries = 0\n"},
       {"twilio", "twilio", twilio.base_url(), "", "retries = 0\n"}});

  const auto unconfirmed = test_with_wait(box, config, "telnyx", "30s");
  CHECK(unconfirmed.result.exit_code == 76);
  CHECK(unconfirmed.elapsed_ms < 5000);
  CHECK(one_json(unconfirmed.result)["delivery"]["state"] == "unknown");

  const auto late = test_with_wait(box, config, "sinch", "30s");
  CAPTURE(late.result.err);
  CHECK(late.result.exit_code == 0);
  CHECK(status_requests(sinch, "sinch").size() == 3);

  const auto odd = test_with_wait(box, config, "twilio", "30s");
  CHECK(odd.result.exit_code == 76);
  const auto json = one_json(odd.result);
  CHECK(json["delivery"]["state"] == "unknown");
  CHECK(contains(json["delivery"]["detail"].get<std::string>(),
                 "unexpected answer"));
  CHECK_FALSE(contains(odd.result.all(), "portal"));
}

TEST_CASE("providers test --wait: kinds without a message-status API and bad "
          "durations are refused before anything is sent")
{
  const Sandbox box;
  const KindFakes fakes({"vonage", "aws-sns", "http", "twilio"});
  const std::string config = kinds_config(box, fakes.setups);
  for (const char* kind : {"vonage", "aws-sns", "http"}) {
    CAPTURE(kind);
    const auto run = test_with_wait(box, config, kind, "30s");
    CHECK(run.result.exit_code == 64);
    CHECK(contains(one_json(run.result)["error"]["message"].get<std::string>(),
                   "has no message-status API"));
    CHECK(fakes.fake(kind).request_count() == 0);
  }
  for (const char* bad : {"0s", "soon", "2h", "-5s", ""}) {
    CAPTURE(bad);
    const auto run = test_with_wait(box, config, "twilio", bad);
    CHECK(run.result.exit_code == 64);
    CHECK(contains(run.result.err, "--wait needs a DURATION"));
  }
  CHECK(fakes.fake("twilio").request_count() == 0);
}

TEST_CASE("providers test --wait with the file provider is delivered at once")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const auto run = box.run({"-c",
                            config,
                            "providers",
                            "test",
                            "outbox",
                            "--to",
                            k_to,
                            "--wait",
                            "5s"});
  CAPTURE(run.err);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.err, "delivered: written to"));
  CHECK(box.outbox_count() == 1);
}
