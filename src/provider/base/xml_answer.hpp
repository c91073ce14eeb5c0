#pragma once

// Internal to provider/: a provider's XML answer (the AWS Query protocol's),
// parsed once by a real XML parser (expat) so that values arrive with
// their entities and character references decoded. A body that is not
// well-formed XML, or that declares a DTD, reads as not parsed and holds no
// values: each kind decides what that means for its outcome (DESIGN §5).

#include "provider/http/transport.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace smsotp::provider {

class XmlAnswer
{
public:
  explicit XmlAnswer(const std::string& body);

  // The body is one well-formed XML document.
  bool parsed() const;
  // The name of the root element ("" if not parsed).
  const std::string& root() const;
  // The text directly inside the first element named `name` to close,
  // wherever it is (for these flat answers: the first in document order);
  // nullopt if there is none.
  std::optional<std::string> text(std::string_view name) const;

private:
  XmlDocument m_document;
};

} // namespace smsotp::provider
