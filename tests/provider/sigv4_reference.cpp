#include "sigv4_reference.hpp"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <cstdio>

namespace smsotp::test::sigv4 {

namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

std::string hex(const unsigned char* data, std::size_t size)
{
  std::string out;
  std::array<char, 3> buffer{};
  for (std::size_t i = 0; i < size; ++i) {
    std::snprintf(buffer.data(), buffer.size(), "%02x", data[i]);
    out += buffer.data();
  }
  return out;
}

Digest hmac(const std::string& key, const std::string& data)
{
  Digest out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(),
       key.data(),
       static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()),
       data.size(),
       out.data(),
       &length);
  return out;
}

std::string as_string(const Digest& digest)
{
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

// SigV4 canonical header value: trimmed, inner runs of spaces collapsed.
std::string canonical_value(const std::string& value)
{
  std::string out;
  bool space = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

std::string after(const std::string& text, const std::string& key)
{
  const auto start = text.find(key);
  if (start == std::string::npos) {
    return {};
  }
  const auto value_start = start + key.size();
  return text.substr(value_start,
                     text.find_first_of(", ", value_start) - value_start);
}

} // namespace

std::string sha256_hex(const std::string& data)
{
  Digest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()),
         data.size(),
         digest.data());
  return hex(digest.data(), digest.size());
}

Output sign(const Input& input)
{
  Output out;
  std::string canonical_headers;
  for (const auto& [name, value] : input.headers) { // std::map: sorted
    canonical_headers += name + ":" + canonical_value(value) + "\n";
    out.signed_headers += (out.signed_headers.empty() ? "" : ";") + name;
  }
  out.canonical_request = input.method + "\n" + input.path + "\n" + input.query
                          + "\n" + canonical_headers + "\n" + out.signed_headers
                          + "\n" + sha256_hex(input.body);
  const std::string date = input.amz_date.substr(0, 8);
  out.scope = date + "/" + input.region + "/" + input.service + "/aws4_request";
  out.string_to_sign = "AWS4-HMAC-SHA256\n" + input.amz_date + "\n" + out.scope
                       + "\n" + sha256_hex(out.canonical_request);
  const auto date_key = hmac("AWS4" + input.secret_access_key, date);
  const auto region_key = hmac(as_string(date_key), input.region);
  const auto service_key = hmac(as_string(region_key), input.service);
  const auto signing_key = hmac(as_string(service_key), "aws4_request");
  const auto signature = hmac(as_string(signing_key), out.string_to_sign);
  out.signature = hex(signature.data(), signature.size());
  return out;
}

Authorization parse_authorization(const std::string& header)
{
  Authorization out;
  if (!header.starts_with("AWS4-HMAC-SHA256 ")) {
    return out;
  }
  const std::string credential = after(header, "Credential=");
  const auto slash = credential.find('/');
  if (slash != std::string::npos) {
    out.access_key_id = credential.substr(0, slash);
    out.scope = credential.substr(slash + 1);
  }
  std::string names = after(header, "SignedHeaders=");
  for (std::size_t start = 0; !names.empty() && start <= names.size();) {
    const auto end = names.find(';', start);
    out.signed_headers.push_back(names.substr(start, end - start));
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  out.signature = after(header, "Signature=");
  return out;
}

} // namespace smsotp::test::sigv4
