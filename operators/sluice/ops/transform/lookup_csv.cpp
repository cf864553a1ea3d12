// The CSV side of lookup_source.hpp.
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "sluice/core/errors.hpp"
#include "sluice/ops/text/csv_text_reader.hpp"
#include "sluice/ops/text/text_values.hpp"
#include "sluice/ops/transform/lookup_source.hpp"

namespace sluice::ops::transform {

namespace {

/// The whole file; lookup tables are read once, at open. Null if it cannot
/// be opened.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

std::vector<core::field> describe_csv(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw core::param_error("path", "cannot open '" + path + "'");
  text::csv_text_reader reader(std::move(*text));
  std::vector<core::field> fields;
  try {
    if (!reader.next())
      throw core::param_error("path", "'" + path + "' is empty: a header line is needed");
    for (const auto& cell : reader.fields()) {
      std::string name(cell.text);
      if (name.empty())
        throw core::param_error("path", "'" + path + "': empty column name in the header");
      for (const auto& f : fields)
        if (f.name == name)
          throw core::param_error("path", "'" + path + "': column '" + name
                                            + "' appears twice in the header");
      fields.push_back({name, core::value_type::int64});
    }
    std::vector<bool> seen(fields.size(), false);
    for (std::size_t row = 0; row < csv_inference_rows && reader.next(); ++row) {
      const auto& cells = reader.fields();
      if (cells.size() != fields.size())
        throw core::param_error("path", "'" + path + "' line " + std::to_string(reader.line())
                                          + ": " + std::to_string(cells.size())
                                          + " fields, the header has "
                                          + std::to_string(fields.size()));
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (cells[i].text.empty() && !cells[i].quoted) continue; // null
        seen[i] = true;
        fields[i].type = text::widen_for(fields[i].type, cells[i].text);
      }
    }
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (!seen[i]) fields[i].type = core::value_type::string;
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const core::param_error*>(&e)) throw;
    throw core::param_error("path", "'" + path + "': " + e.what());
  }
  return fields;
}

std::vector<core::column> load_csv(const std::string& path,
                                   const std::vector<core::field>& wanted) {
  auto text = read_file(path);
  if (!text) throw std::runtime_error("cannot open '" + path + "'");
  text::csv_text_reader reader(std::move(*text));
  if (!reader.next()) throw std::runtime_error("'" + path + "' has no header line");
  std::vector<std::size_t> at;
  std::vector<core::column> out;
  const auto& header = reader.fields();
  for (const auto& w : wanted) {
    std::size_t i = 0;
    while (i < header.size() && header[i].text != w.name) ++i;
    if (i == header.size())
      throw std::runtime_error("'" + path + "' has no column '" + w.name + "' any more");
    at.push_back(i);
    out.emplace_back(w.type);
  }
  const std::size_t width = header.size();
  try {
    while (reader.next()) {
      const auto& cells = reader.fields();
      if (cells.size() != width)
        throw std::runtime_error("line " + std::to_string(reader.line()) + ": "
                                 + std::to_string(cells.size()) + " fields, the header has "
                                 + std::to_string(width));
      for (std::size_t k = 0; k < at.size(); ++k) {
        const auto& cell = cells[at[k]];
        if (cell.text.empty() && !cell.quoted) out[k].append_null();
        else if (!text::append_parsed(out[k], cell.text))
          throw std::runtime_error("line " + std::to_string(reader.line()) + ", column '"
                                   + wanted[k].name + "': '" + std::string(cell.text)
                                   + "' is not of type "
                                   + std::string(core::name_of(wanted[k].type)));
      }
    }
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("lookup file '" + path + "' " + e.what());
  }
  return out;
}

} // namespace sluice::ops::transform
