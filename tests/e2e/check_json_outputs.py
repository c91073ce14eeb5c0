#!/usr/bin/env python3
"""Checks every --json output the e2e suite recorded against schemas/.

    check_json_outputs.py SCHEMAS_DIR RECORDS_DIR
        The ctest test json.schemas, after every other test of the run. Each
        record (tests/e2e/json_record.cpp) holds one run's arguments, exit
        status and stdout, and the schema its command is checked against
        (SCHEMAS_DIR/NAME.schema.json). Fails if a record's stdout is not
        exactly one JSON object on one line, if it does not match its
        schema, if its exit status disagrees with the object (an "error"
        object names the exit status; without one, the status is 0, or 1
        for a failed verify), or if an e2e test ran and nothing was
        recorded: the check never passes by having nothing to check.
        Exit 77 (skipped) when no e2e test ran in this ctest run.
    check_json_outputs.py --self-test SCHEMAS_DIR
        Proves the check can fail: a good record passes; a record that does
        not parse, one that breaks its schema, one whose exit status
        disagrees, and an e2e run without records each fail.

Needs python3-jsonschema (Debian 12: 4.10, which knows draft 2020-12); a
newer jsonschema with the `referencing` library works too.
"""

import json
import pathlib
import sys
import tempfile
import warnings

import jsonschema
import jsonschema.exceptions

SKIPPED = 77
DIALECT = jsonschema.Draft202012Validator


def load_schemas(schemas_dir):
    """Every schema of schemas_dir by name ("send"), checked against the
    2020-12 meta-schema, and a function that gives a validator for one."""
    schemas = {}
    for path in sorted(schemas_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        DIALECT.check_schema(schema)
        schemas[path.name[: -len(".schema.json")]] = (path, schema)
    if "error" not in schemas:
        raise SystemExit(f"json: no error.schema.json in {schemas_dir}")

    try:
        import referencing  # jsonschema >= 4.18

        resources = [
            (path.resolve().as_uri(), referencing.Resource.from_contents(
                schema, default_specification=referencing.jsonschema.DRAFT202012))
            for path, schema in schemas.values()
        ]
        registry = referencing.Registry().with_resources(resources)

        def validator(name):
            path, schema = schemas[name]
            # The schemas have no $id: relative $refs resolve against the
            # file's own URI, as any consumer that reads them from disk does.
            return DIALECT({"$ref": path.resolve().as_uri()}, registry=registry)
    except ImportError:  # Debian 12's jsonschema 4.10
        store = {path.resolve().as_uri(): schema
                 for path, schema in schemas.values()}

        def validator(name):
            path, schema = schemas[name]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                resolver = jsonschema.RefResolver(
                    path.resolve().as_uri(), schema, store=store)
            return DIALECT(schema, resolver=resolver)

    cache = {}

    def cached(name):
        if name not in cache:
            cache[name] = validator(name)
        return cache[name]

    return set(schemas), cached


def problems_of(record, names, validator):
    """What is wrong with one record, as a list of lines (empty: none)."""
    name = record.get("schema")
    if name not in names:
        return [f"no schema {name}.schema.json for this command"]
    if record.get("stdout_not_utf8"):
        return ["stdout is not UTF-8"]
    out = record.get("stdout", "")
    if not out.endswith("\n") or out.index("\n") != len(out) - 1:
        return [f"stdout is not exactly one line: {out!r}"]
    try:
        value = json.loads(out)
    except ValueError as error:
        return [f"stdout does not parse as JSON ({error}): {out!r}"]
    if not isinstance(value, dict):
        return [f"stdout is not a JSON object: {out!r}"]
    problems = []
    for error in sorted(validator(name).iter_errors(value), key=str):
        # For a oneOf/anyOf, the failure of the branch that came closest.
        if error.context:
            error = jsonschema.exceptions.best_match(error.context)
        where = "/".join(str(part) for part in error.absolute_path) or "(top)"
        problems.append(f"{name}.schema.json at {where}: {error.message}")
    exit_code = record.get("exit_code")
    if "error" in value:
        stated = value["error"].get("exit_code") if isinstance(
            value["error"], dict) else None
        if stated != exit_code:
            problems.append(
                f"exited {exit_code} but error.exit_code is {stated}")
    elif exit_code not in ((0, 1) if name == "verify" else (0,)):
        problems.append(f"exited {exit_code} without an \"error\" object")
    return problems


def check(schemas_dir, records_dir, say=print):
    """0 if every record is good, 1 if not, SKIPPED if no e2e test ran."""
    names, validator = load_schemas(schemas_dir)
    records = sorted(records_dir.glob("*.json")) if records_dir.is_dir() else []
    ran = records_dir.is_dir() and any(records_dir.glob("e2e-ran-*"))
    if not records:
        if not ran:
            say(f"json: no e2e test ran in this ctest run ({records_dir})")
            return SKIPPED
        say(f"json: e2e tests ran but no --json output was recorded in "
            f"{records_dir}: the recorder (tests/e2e/json_record.cpp) is "
            f"broken, or this ctest selection runs no --json command "
            f"(then add -FC smsotp_suite to skip this check)")
        return 1
    bad = 0
    per_schema = {}
    for path in records:
        record = json.loads(path.read_text(encoding="utf-8"))
        per_schema[record.get("schema")] = per_schema.get(
            record.get("schema"), 0) + 1
        problems = problems_of(record, names, validator)
        if problems:
            bad += 1
            say(f"json: {path.name}: smsotp {' '.join(record.get('args', []))}"
                f" (exit {record.get('exit_code')})")
            for line in problems:
                say(f"  {line}")
    counts = ", ".join(f"{name} {count}" for name, count
                       in sorted(per_schema.items(), key=lambda kv: str(kv[0])))
    say(f"json: {len(records)} outputs checked ({counts}); {bad} failed")
    return 1 if bad else 0


def self_test(schemas_dir):
    """Each way the check must fail, and one way it must pass."""
    good = {"schema": "purge", "args": ["--json", "purge"], "exit_code": 0,
            "term_signal": 0,
            "stdout": '{"challenges":0,"dry_run":false,"recipients":0}\n'}
    # (what, records, an e2e test ran, expected exit, words the report has)
    cases = [
        ("a good record", [good], True, 0, "1 outputs checked"),
        ("stdout that does not parse", [dict(good, stdout="{\n")], True, 1,
         "does not parse"),
        ("two objects", [dict(good, stdout='{}\n{}\n')], True, 1,
         "not exactly one line"),
        ("an object its schema refuses",
         [dict(good, stdout='{"challenges":"0","dry_run":false,'
                            '"recipients":0}\n')], True, 1,
         "purge.schema.json at challenges"),
        ("an exit status the object does not state",
         [dict(good, exit_code=78)], True, 1, "without an \"error\" object"),
        ("an error member out of place",
         [dict(good, exit_code=64,
               stdout='{"error":{"class":"usage","exit_code":64,'
                      '"message":"m","challenge_id":"x"}}\n')], True, 1,
         "purge.schema.json at error"),
        ("e2e tests that recorded nothing", [], True, 1,
         "no --json output was recorded"),
        ("no e2e test at all", [], False, SKIPPED, "no e2e test ran"),
    ]
    failures = 0
    for what, records, ran, expected, words in cases:
        lines = []
        with tempfile.TemporaryDirectory() as scratch:
            directory = pathlib.Path(scratch)
            if ran:
                (directory / "e2e-ran-1").touch()
            for number, record in enumerate(records):
                (directory / f"1-{number}.json").write_text(json.dumps(record))
            got = check(schemas_dir, directory, say=lines.append)
        report = "\n".join(lines)
        right = got == expected and words in report
        failures += not right
        print(f"json self-test: {what}: exit {got} (expected {expected}) "
              f"{'ok' if right else 'WRONG'}")
        if not right:
            print("  " + report.replace("\n", "\n  "))
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(pathlib.Path(argv[2]))
    if len(argv) == 3:
        return check(pathlib.Path(argv[1]), pathlib.Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
