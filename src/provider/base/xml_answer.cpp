// XmlAnswer over read_xml() (http/xml.cpp, in the http module).

#include "provider/base/xml_answer.hpp"

namespace smsotp::provider {

XmlAnswer::XmlAnswer(const std::string& body) : m_document(read_xml(body))
{}

bool XmlAnswer::parsed() const
{
  return m_document.parsed;
}

const std::string& XmlAnswer::root() const
{
  return m_document.root;
}

std::optional<std::string> XmlAnswer::text(std::string_view name) const
{
  const auto it = m_document.first_text.find(name);
  if (it == m_document.first_text.end()) {
    return std::nullopt;
  }
  return it->second;
}

} // namespace smsotp::provider
