// Tests for src/store/pg_errors.cpp: how PostgreSQL failures become exit
// classes and messages (issue 8 item 7). No server needed.

#include "store/pg_failure.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <string>

using smsotp::core::ExitCode;
using smsotp::store::detail::PgFailure;
using smsotp::store::detail::throw_pg_error;
using smsotp::test::catch_error;

namespace {

smsotp::test::Caught
classify(const std::string& sqlstate,
         bool lost = false,
         bool committing = false,
         const std::string& doing = "checking the code; no attempt was counted")
{
  return catch_error([&] {
    throw_pg_error(PgFailure(sqlstate, "server said so", lost),
                   "host=db password=***",
                   doing,
                   committing,
                   "smsotp_rt");
  });
}

bool has(const smsotp::test::Caught& caught, const std::string& part)
{
  return caught.message.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("servers going away, standbys and lock waits are temporary (75)")
{
  for (const std::string state : {"53300",
                                  "57P01",
                                  "57P02",
                                  "57P03",
                                  "25006",
                                  "55P03",
                                  "57014",
                                  "40001",
                                  "40P01",
                                  "08006"}) {
    const auto caught = classify(state);
    INFO(state);
    CHECK(caught.code == ExitCode::temporary);
    CHECK(caught.retry_after.value_or(0) > 0);
    CHECK(has(caught, "no attempt was counted"));
  }
  CHECK(has(classify("25006"), "read-only standby"));
  CHECK(has(classify("55P03"), "store.lock_timeout"));
  CHECK(has(classify("57014"), "store.statement_timeout"));
}

TEST_CASE("a connection lost during COMMIT leaves the outcome unknown")
{
  const auto caught = classify("", true, true);
  CHECK(caught.code == ExitCode::temporary);
  CHECK(has(caught, "unknown"));
  CHECK_FALSE(has(caught, "no attempt was counted"));
  const auto before = classify("", true, false);
  CHECK(has(before, "no attempt was counted"));
  // What was sent does not depend on the COMMIT: a send whose reservation
  // may or may not be saved still sent nothing, and says so.
  const auto reserving =
      classify("", true, true, "recording the new challenge; nothing was sent");
  CHECK(reserving.code == ExitCode::temporary);
  CHECK(has(reserving, "unknown"));
  CHECK(has(reserving, "nothing was sent"));
}

TEST_CASE("rejected logins and missing privileges are permission errors (77)")
{
  CHECK(classify("28P01").code == ExitCode::permission);
  CHECK(classify("28000").code == ExitCode::permission);
  const auto privilege = classify("42501");
  CHECK(privilege.code == ExitCode::permission);
  CHECK(has(privilege, "smsotp_rt"));
}

TEST_CASE("an unknown database is a configuration error (78)")
{
  CHECK(classify("3D000").code == ExitCode::config);
}

TEST_CASE("edited tables are 65, server I/O trouble 74")
{
  CHECK(classify("42P01").code == ExitCode::database);
  CHECK(classify("23505").code == ExitCode::database);
  CHECK(classify("XX001").code == ExitCode::database);
  CHECK(classify("53100").code == ExitCode::io);
  CHECK(classify("58030").code == ExitCode::io);
  CHECK(classify("P0001").code == ExitCode::io);
}

TEST_CASE("messages show the masked location only")
{
  const auto caught = classify("57P01");
  CHECK(has(caught, "host=db password=***"));
}
