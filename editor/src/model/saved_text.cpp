#include "model/saved_text.hpp"

#include <cctype>
#include <optional>
#include <utility>

namespace sluice::editor::model {

namespace {

/// Index just past the JSON string starting at `i` (at its quote).
std::size_t skipString(const std::string& t, std::size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') ++i;
    else if (t[i] == '"') return i + 1;
  }
  return t.size();
}

/// Index just past the JSON value starting at `i`.
std::size_t skipValue(const std::string& t, std::size_t i) {
  if (i >= t.size()) return i;
  if (t[i] == '"') return skipString(t, i);
  if (t[i] == '{' || t[i] == '[') {
    int depth = 0;
    for (; i < t.size(); ++i) {
      char c = t[i];
      if (c == '"') {
        i = skipString(t, i) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return t.size();
  }
  while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']'
         && !std::isspace(static_cast<unsigned char>(t[i])))
    ++i;
  return i;
}

std::size_t skipSpace(const std::string& t, std::size_t i) {
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  return i;
}

/// [begin, end) of the value of top-level key `key` in the object `t`.
std::optional<std::pair<std::size_t, std::size_t>> topLevelValue(const std::string& t,
                                                                 const std::string& key) {
  std::size_t i = skipSpace(t, 0);
  if (i >= t.size() || t[i] != '{') return std::nullopt;
  i = skipSpace(t, i + 1);
  while (i < t.size() && t[i] == '"') {
    std::size_t keyEnd = skipString(t, i);
    std::string name = t.substr(i + 1, keyEnd - i - 2);
    i = skipSpace(t, keyEnd);
    if (i >= t.size() || t[i] != ':') return std::nullopt;
    i = skipSpace(t, i + 1);
    std::size_t valueEnd = skipValue(t, i);
    if (name == key) return std::make_pair(i, valueEnd);
    i = skipSpace(t, valueEnd);
    if (i < t.size() && t[i] == ',') i = skipSpace(t, i + 1);
  }
  return std::nullopt;
}

/// The layout object as `dump` writes it, nested one level deep.
std::string layoutText(const core::pipeline::pipeline_document& doc) {
  std::string text = nlohmann::ordered_json(doc.layout).dump(2);
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

} // namespace

std::string meaningOf(const core::pipeline::pipeline_document& doc) {
  auto j = doc.to_json();
  j.erase("layout");
  return j.dump();
}

std::string textToSave(const core::pipeline::pipeline_document& doc, const std::string& loadedText,
                       const core::pipeline::pipeline_document& loaded) {
  if (loadedText.empty() || meaningOf(doc) != meaningOf(loaded)) return doc.dump();
  bool hadLayout = loaded.layout.is_object() && !loaded.layout.empty();
  bool hasLayout = doc.layout.is_object() && !doc.layout.empty();
  if (doc.layout == loaded.layout) return loadedText;
  auto span = topLevelValue(loadedText, "layout");
  if (hasLayout && span) {
    return loadedText.substr(0, span->first) + layoutText(doc) + loadedText.substr(span->second);
  }
  if (hasLayout && !hadLayout && !span) {
    // Append "layout" as the last key, before the closing brace.
    auto close = loadedText.find_last_of('}');
    if (close == std::string::npos) return doc.dump();
    auto last = loadedText.find_last_not_of(" \t\r\n", close - 1);
    if (last == std::string::npos) return doc.dump();
    return loadedText.substr(0, last + 1) + ",\n  \"layout\": " + layoutText(doc) + "\n"
           + loadedText.substr(close);
  }
  return doc.dump(); // layout removed entirely, or an odd file: write it plainly
}

} // namespace sluice::editor::model
