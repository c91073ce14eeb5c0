// The doctest runner of smsotp_unit, plus a listener that counts failed
// assertions so that TempDir can keep the files of a failing test.

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "testutil.hpp"

#include <doctest/doctest.h>

namespace smsotp::test {

namespace {

class FailureCounter : public doctest::IReporter
{
public:
  explicit FailureCounter(const doctest::ContextOptions& /*options*/)
  {}

  void report_query(const doctest::QueryData& /*data*/) override
  {}
  void test_run_start() override
  {}
  void test_run_end(const doctest::TestRunStats& /*stats*/) override
  {}
  void test_case_start(const doctest::TestCaseData& /*data*/) override
  {}
  void test_case_reenter(const doctest::TestCaseData& /*data*/) override
  {}
  void test_case_end(const doctest::CurrentTestCaseStats& /*stats*/) override
  {}
  void test_case_exception(const doctest::TestCaseException& /*data*/) override
  {
    ++g_failed_assertions;
  }
  void subcase_start(const doctest::SubcaseSignature& /*signature*/) override
  {}
  void subcase_end() override
  {}
  void log_assert(const doctest::AssertData& data) override
  {
    if (data.m_failed) {
      ++g_failed_assertions;
    }
  }
  void log_message(const doctest::MessageData& /*data*/) override
  {}
  void test_case_skipped(const doctest::TestCaseData& /*data*/) override
  {}
};

} // namespace

} // namespace smsotp::test

REGISTER_LISTENER("smsotp_failure_counter", 1, smsotp::test::FailureCounter);
