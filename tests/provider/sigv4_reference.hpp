#pragma once

// A small, independent AWS Signature V4 signer for tests only. smsotp
// itself lets libcurl sign (CURLOPT_AWS_SIGV4) with the current time, so
// the tests check this reference against the published test vector and then
// recompute the signature of the request smsotp really sent.

#include <map>
#include <string>
#include <vector>

namespace smsotp::test::sigv4 {

struct Input
{
  std::string method;
  std::string path;  // canonical URI, e.g. "/"
  std::string query; // already canonical ("" for the POSTs used here)
  // The signed headers: lower-case name -> value as received.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string amz_date; // "20150830T123600Z"
  std::string region;
  std::string service;
  std::string secret_access_key;
};

struct Output
{
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature; // lower-case hex
  std::string signed_headers;
  std::string scope; // "20150830/us-east-1/sns/aws4_request"
};

std::string sha256_hex(const std::string& data);

Output sign(const Input& input);

// The parts of "AWS4-HMAC-SHA256 Credential=AKID/SCOPE, SignedHeaders=a;b,
// Signature=HEX". Empty fields if the header does not have that shape.
struct Authorization
{
  std::string access_key_id;
  std::string scope;
  std::vector<std::string> signed_headers;
  std::string signature;
};

Authorization parse_authorization(const std::string& header);

} // namespace smsotp::test::sigv4
