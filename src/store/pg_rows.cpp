// PgRows: detail::Rows on PostgreSQL, one parameterised statement per
// method (the SQLite backend's statements are the model for each). Runs
// inside PgStore's open transaction, under its writer lock; throws
// PgFailure, which PgStore maps around the whole transaction.

#include "store/pg_store.hpp"
#include "util/string.hpp"

namespace smsotp::store::detail {

namespace {

// Counted challenges: a send that surely failed cost nothing.
constexpr const char* k_counted = "state <> 'failed'";

std::string num(std::int64_t value)
{
  return std::to_string(value);
}

std::optional<core::Tag> tag_from_hex(const std::optional<std::string>& hex)
{
  core::Tag tag{};
  if (!hex || hex->size() != tag.size() * 2) {
    return std::nullopt;
  }
  const auto nibble = [](char c) {
    return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0';
  };
  for (std::size_t i = 0; i < tag.size(); ++i) {
    tag[i] = static_cast<std::uint8_t>(nibble((*hex)[2 * i]) * 16
                                       + nibble((*hex)[2 * i + 1]));
  }
  return tag;
}

// The WHERE clause of a limit's scope; $1 = recipient or prefix (unused
// for `all`), $2 = window start.
std::string scope_where(Scope scope)
{
  switch (scope) {
    case Scope::recipient:
      return "recipient = $1";
    case Scope::prefix:
      // starts_with compares bytes: collations may ignore punctuation.
      return "starts_with(recipient, $1)";
    case Scope::all:
      break;
  }
  return "$1::text IS NOT NULL OR true";
}

} // namespace

PgRows::PgRows(PgConnection& connection, const std::string& schema)
    : m_connection(connection), m_prefix(pg_prefix(schema))
{}

PgResult PgRows::run(const std::string& sql, const std::vector<PgParam>& params)
{
  // "@." in `sql` stands for the schema prefix.
  std::string out;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '@' && i + 1 < sql.size() && sql[i + 1] == '.') {
      out += m_prefix;
      ++i;
    } else {
      out += sql[i];
    }
  }
  return m_connection.exec(out, params);
}

std::optional<std::int64_t> PgRows::locked_until(const std::string& recipient)
{
  const auto result = run(
      "SELECT locked_until FROM @.recipient WHERE recipient = $1", {recipient});
  if (result.rows() == 0 || !result.text(0, 0)) {
    return std::nullopt;
  }
  return result.number(0, 0);
}

void PgRows::reset_recipient(const std::string& recipient, std::int64_t now)
{
  run("UPDATE @.recipient SET consecutive_failures = 0, locked_until = NULL,"
      " updated_at = $2 WHERE recipient = $1",
      {recipient, num(now)});
}

std::int64_t PgRows::add_failure(const std::string& recipient, std::int64_t now)
{
  return run("INSERT INTO @.recipient AS r (recipient, consecutive_failures,"
             " updated_at) VALUES ($1, 1, $2) ON CONFLICT (recipient) DO UPDATE"
             " SET consecutive_failures = r.consecutive_failures + 1,"
             " updated_at = $2 RETURNING consecutive_failures",
             {recipient, num(now)})
      .number(0, 0);
}

void PgRows::set_locked_until(const std::string& recipient, std::int64_t until)
{
  run("UPDATE @.recipient SET locked_until = $2 WHERE recipient = $1",
      {recipient, num(until)});
}

void PgRows::expire_stale(std::int64_t now)
{
  // Both of SQLite's statements in one: live rows past expiry become
  // expired (finished when they died, not when noticed); superseded ones
  // past expiry only lose their tag.
  run("UPDATE @.challenge SET"
      " state = CASE WHEN state IN ('pending', 'sent') THEN 'expired'"
      "   ELSE state END,"
      " finished_at = CASE WHEN state IN ('pending', 'sent') THEN expires_at"
      "   ELSE finished_at END,"
      " tag = NULL"
      " WHERE expires_at <= $1 AND (state IN ('pending', 'sent')"
      "   OR (state = 'superseded' AND tag IS NOT NULL))",
      {num(now)});
}

std::optional<ChallengeRow>
PgRows::find_challenge(const std::string& recipient,
                       const std::string& purpose,
                       const std::optional<std::string>& id)
{
  const auto result =
      run("SELECT id, state, encode(tag, 'hex'), code_length, created_at,"
          " expires_at, attempts, max_attempts, coalesce(key_id, '')"
          " FROM @.challenge WHERE recipient = $1 AND purpose = $2"
              + std::string(id ? " AND id = $3" : "")
              + " ORDER BY state IN ('pending', 'sent') DESC, created_at DESC,"
                " seq DESC LIMIT 1",
          id ? std::vector<PgParam>{recipient, purpose, *id}
             : std::vector<PgParam>{recipient, purpose});
  if (result.rows() == 0) {
    return std::nullopt;
  }
  ChallengeRow row;
  row.id = result.text(0, 0).value_or("");
  // The CHECK constraint admits only known names; anything else is a
  // damaged table, which the SQLSTATE-less path cannot express: treat it
  // as the most final state so that it never verifies.
  row.state =
      parse_state(result.text(0, 1).value_or("")).value_or(State::expired);
  row.tag = tag_from_hex(result.text(0, 2));
  row.code_length = result.number(0, 3);
  row.created_at = result.number(0, 4);
  row.expires_at = result.number(0, 5);
  row.attempts = result.number(0, 6);
  row.max_attempts = result.number(0, 7);
  row.key_id = result.text(0, 8).value_or("");
  return row;
}

void PgRows::add_attempt(const std::string& id)
{
  run("UPDATE @.challenge SET attempts = attempts + 1 WHERE id = $1", {id});
}

void PgRows::finish(const std::string& id, State state, std::int64_t now)
{
  run("UPDATE @.challenge SET state = $2, tag = NULL, finished_at = $3"
      " WHERE id = $1",
      {id, std::string(state_name(state)), num(now)});
}

std::int64_t PgRows::supersede_live(const std::string& recipient,
                                    const std::string& purpose,
                                    const std::string& by,
                                    std::int64_t now)
{
  return run("UPDATE @.challenge SET state = 'superseded', superseded_by = $3,"
             " finished_at = $4 WHERE recipient = $1 AND purpose = $2"
             " AND state IN ('pending', 'sent')",
             {recipient, purpose, by, num(now)})
      .affected();
}

void PgRows::insert(const NewChallenge& challenge)
{
  run("INSERT INTO @.challenge (id, recipient, recipient_masked, purpose, tag,"
      " key_id, code_length, created_at, expires_at, max_attempts, state)"
      " VALUES ($1, $2, $3, $4, decode($5, 'hex'), $6, $7, $8, $9, $10,"
      " 'pending')",
      {challenge.id,
       challenge.recipient,
       challenge.recipient_masked,
       challenge.purpose,
       util::to_hex(challenge.tag.data(), challenge.tag.size()),
       challenge.key_id,
       num(challenge.code_length),
       num(challenge.created_at),
       num(challenge.expires_at),
       num(challenge.max_attempts)});
}

void PgRows::mark_sent(const std::string& id,
                       const std::string& provider,
                       const std::string& message_id)
{
  run("UPDATE @.challenge SET state = 'sent', provider = $2,"
      " provider_message_id = $3 WHERE id = $1 AND state = 'pending'",
      {id, provider, message_id});
}

void PgRows::note_provider(const std::string& id, const std::string& provider)
{
  run("UPDATE @.challenge SET provider = $2 WHERE id = $1", {id, provider});
}

std::optional<std::string> PgRows::replaced_by(const std::string& id)
{
  return run("SELECT superseded_by FROM @.challenge WHERE id = $1"
             " AND state = 'superseded'",
             {id})
      .text(0, 0);
}

void PgRows::mark_failed(const std::string& id,
                         const std::string& provider,
                         std::int64_t now)
{
  run("UPDATE @.challenge SET state = 'failed', tag = NULL, provider = $2,"
      " finished_at = $3 WHERE id = $1 AND state IN ('pending', 'superseded')",
      {id, provider, num(now)});
}

void PgRows::drop_superseded_tags(const std::string& by)
{
  run("UPDATE @.challenge SET tag = NULL WHERE superseded_by = $1"
      " AND tag IS NOT NULL",
      {by});
}

void PgRows::revive_superseded(const std::string& by)
{
  run("UPDATE @.challenge SET state = CASE WHEN provider_message_id IS NULL"
      " THEN 'pending' ELSE 'sent' END, superseded_by = NULL,"
      " finished_at = NULL WHERE superseded_by = $1 AND state = 'superseded'"
      " AND tag IS NOT NULL",
      {by});
}

void PgRows::hand_over_superseded(const std::string& from,
                                  const std::string& to)
{
  run("UPDATE @.challenge SET superseded_by = $2 WHERE superseded_by = $1"
      " AND state = 'superseded' AND tag IS NOT NULL",
      {from, to});
}

std::int64_t PgRows::count_live(std::int64_t now)
{
  return run("SELECT count(*) FROM @.challenge WHERE state IN ('pending',"
             " 'sent') AND expires_at > $1",
             {num(now)})
      .number(0, 0);
}

bool PgRows::knows_recipient(const std::string& recipient)
{
  return run("SELECT (EXISTS (SELECT 1 FROM @.challenge WHERE recipient = $1)"
             " OR EXISTS (SELECT 1 FROM @.recipient WHERE recipient = "
             "$1))::int",
             {recipient})
             .number(0, 0)
         != 0;
}

std::int64_t
PgRows::count_since(Scope scope, const std::string& key, std::int64_t since)
{
  return run("SELECT count(*) FROM @.challenge WHERE (" + scope_where(scope)
                 + ") AND created_at > $2 AND " + k_counted,
             {key, num(since)})
      .number(0, 0);
}

std::int64_t PgRows::created_at_since(Scope scope,
                                      const std::string& key,
                                      std::int64_t since,
                                      std::int64_t offset)
{
  return run("SELECT created_at FROM @.challenge WHERE (" + scope_where(scope)
                 + ") AND created_at > $2 AND " + k_counted
                 + " ORDER BY created_at OFFSET $3 LIMIT 1",
             {key, num(since), num(offset)})
      .number(0, 0);
}

std::optional<std::int64_t> PgRows::last_created(const std::string& recipient)
{
  const auto result = run(std::string("SELECT max(created_at) FROM @.challenge"
                                      " WHERE recipient = $1 AND ")
                              + k_counted,
                          {recipient});
  if (!result.text(0, 0)) {
    return std::nullopt;
  }
  return result.number(0, 0);
}

void PgRows::clear_health(const std::string& provider)
{
  run("DELETE FROM @.provider_health WHERE provider = $1", {provider});
}

void PgRows::set_health(const std::string& provider,
                        std::int64_t skip_until,
                        const std::string& reason,
                        std::int64_t now)
{
  run("INSERT INTO @.provider_health (provider, skip_until, reason,"
      " updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (provider) DO UPDATE"
      " SET skip_until = $2, reason = $3, updated_at = $4",
      {provider, num(skip_until), reason, num(now)});
}

std::map<std::string, std::int64_t> PgRows::skipped(std::int64_t now)
{
  const auto result = run("SELECT provider, skip_until FROM @.provider_health"
                          " WHERE skip_until > $1",
                          {num(now)});
  std::map<std::string, std::int64_t> skipped;
  for (int row = 0; row < result.rows(); ++row) {
    skipped[result.text(row, 0).value_or("")] = result.number(row, 1);
  }
  return skipped;
}

namespace {

// The WHERE clause and parameters of a purge filter for one table.
std::pair<std::string, std::vector<PgParam>>
purge_where(const PurgeFilter& filter, bool challenges)
{
  switch (filter.mode) {
    case PurgeFilter::Mode::all:
      return {"true", {}};
    case PurgeFilter::Mode::recipient:
      return {"recipient = $1", {filter.recipient}};
    case PurgeFilter::Mode::prefix:
      // Lockouts are lifted one number at a time: no counter matches.
      return {challenges ? "starts_with(recipient, $1)" : "false",
              challenges ? std::vector<PgParam>{filter.recipient}
                         : std::vector<PgParam>{}};
    case PurgeFilter::Mode::finished:
      break;
  }
  if (challenges) {
    return {"(state NOT IN ('pending', 'sent') OR expires_at <= $1)"
            " AND coalesce(finished_at, expires_at) <= $2",
            {num(filter.now), num(filter.before)}};
  }
  return {"(locked_until IS NULL OR locked_until <= $1) AND updated_at <= $2",
          {num(filter.now), num(filter.before)}};
}

} // namespace

std::int64_t PgRows::purge_challenges(const PurgeFilter& filter, bool dry_run)
{
  const auto [where, params] = purge_where(filter, true);
  if (dry_run) {
    return run("SELECT count(*) FROM @.challenge WHERE " + where, params)
        .number(0, 0);
  }
  return run("DELETE FROM @.challenge WHERE " + where, params).affected();
}

std::int64_t PgRows::purge_recipients(const PurgeFilter& filter, bool dry_run)
{
  const auto [where, params] = purge_where(filter, false);
  if (dry_run) {
    return run("SELECT count(*) FROM @.recipient WHERE " + where, params)
        .number(0, 0);
  }
  return run("DELETE FROM @.recipient WHERE " + where, params).affected();
}

void PgRows::purge_health(const PurgeFilter& filter)
{
  switch (filter.mode) {
    case PurgeFilter::Mode::all:
      run("DELETE FROM @.provider_health", {});
      return;
    case PurgeFilter::Mode::recipient:
    case PurgeFilter::Mode::prefix:
      return; // a number's purge leaves providers alone
    case PurgeFilter::Mode::finished:
      run("DELETE FROM @.provider_health WHERE skip_until <= $1",
          {num(filter.now)});
      return;
  }
}

} // namespace smsotp::store::detail
