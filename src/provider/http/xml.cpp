// XML answers (aws-sns), read by expat: the one file that includes it
// (tests/style/check_layers.sh enforces it). Part of the http module.

#include "provider/http/transport.hpp"

#include <expat.h>
#include <memory>
#include <vector>

namespace smsotp::provider {

namespace {

struct Reading
{
  std::string root;
  std::vector<std::pair<std::string, std::string>> open; // name, text
  std::map<std::string, std::string, std::less<>> first_text;
  XML_Parser parser = nullptr;
};

void on_start(void* user, const XML_Char* name, const XML_Char** /*attrs*/)
{
  auto* reading = static_cast<Reading*>(user);
  if (reading->open.empty() && reading->root.empty()) {
    reading->root = name;
  }
  reading->open.emplace_back(name, std::string());
}

void on_end(void* user, const XML_Char* /*name*/)
{
  auto* reading = static_cast<Reading*>(user);
  auto& [element, text] = reading->open.back();
  reading->first_text.try_emplace(element, std::move(text));
  reading->open.pop_back();
}

void on_text(void* user, const XML_Char* text, int length)
{
  auto* reading = static_cast<Reading*>(user);
  if (!reading->open.empty()) {
    reading->open.back().second.append(text, static_cast<std::size_t>(length));
  }
}

// No answer has a reason to carry a DTD, and its entities are the classic
// way to make a parser expand or fetch things: refuse the document.
void on_doctype(void* user,
                const XML_Char* /*name*/,
                const XML_Char* /*sysid*/,
                const XML_Char* /*pubid*/,
                int /*has_internal_subset*/)
{
  XML_StopParser(static_cast<Reading*>(user)->parser, XML_FALSE);
}

} // namespace

XmlDocument read_xml(const std::string& body)
{
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate(nullptr), &XML_ParserFree);
  if (!parser) {
    throw std::bad_alloc();
  }
  Reading reading;
  reading.parser = parser.get();
  XML_SetUserData(parser.get(), &reading);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  XmlDocument document;
  if (XML_Parse(
          parser.get(), body.data(), static_cast<int>(body.size()), XML_TRUE)
      != XML_STATUS_OK) {
    return document;
  }
  document.parsed = true;
  document.root = std::move(reading.root);
  document.first_text = std::move(reading.first_text);
  return document;
}

} // namespace smsotp::provider
