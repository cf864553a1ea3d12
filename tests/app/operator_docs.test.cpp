// The operator documentation (operators/README.md, operators/docs/*.md) may
// not fall behind the catalog that `sluice operators --json` prints: every
// kind is documented, every param is mentioned, and nothing documented is
// gone from the catalog.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

const fs::path operators_dir = fs::path(SLUICE_SOURCE_DIR) / "operators";

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json catalog() {
  FILE* pipe = popen(SLUICE_BIN " operators --json", "r");
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  int status = pclose(pipe);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return nlohmann::json::parse(out);
}

/// One `## ` section of a document: its title (backticks removed) and text.
struct section {
  std::string file;
  std::string title;
  std::string text;
};

std::vector<section> sections_of(const fs::path& file) {
  std::vector<section> out;
  std::istringstream in(read_text(file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      std::string title;
      for (char c : line.substr(3))
        if (c != '`') title += c;
      out.push_back({file.filename().string(), title, ""});
    } else if (!out.empty()) {
      out.back().text += line + "\n";
    }
  }
  return out;
}

std::vector<section> all_doc_sections() {
  std::vector<section> out;
  for (const auto& entry : fs::directory_iterator(operators_dir / "docs"))
    if (entry.path().extension() == ".md")
      for (auto& s : sections_of(entry.path())) out.push_back(std::move(s));
  return out;
}

bool mentions(const std::string& text, const std::string& name) {
  return text.find("`" + name + "`") != std::string::npos;
}

/// Params every kind of a document shares are documented once, in a section
/// of that document with one of these titles.
bool is_shared_params(const section& s) {
  return s.title == "Common params" || s.title == "Shared params";
}

/// The backticked words of a markdown table cell.
std::vector<std::string> backticked(const std::string& cell) {
  std::vector<std::string> out;
  static const std::regex word("`([^`]+)`");
  for (std::sregex_iterator it(cell.begin(), cell.end(), word), end; it != end; ++it)
    out.push_back((*it)[1]);
  return out;
}

std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|') {
      out.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return out;
}

bool looks_like_kind(const std::string& s) {
  static const std::regex kind("^(source|transform|window|synopsis|join|sink)\\.[a-z_]+$");
  return std::regex_match(s, kind);
}

} // namespace

TEST_CASE("every operator kind in the catalog has a section in operators/docs and a row in the "
          "operators README") {
  const auto ops = catalog();
  REQUIRE(ops.size() > 10);
  const auto sections = all_doc_sections();
  const std::string readme = read_text(operators_dir / "README.md");
  for (const auto& op : ops) {
    const std::string kind = op.at("kind");
    INFO("kind " << kind);
    CHECK(mentions(readme, kind));
    bool has_section = false;
    for (const auto& s : sections) has_section = has_section || s.title == kind;
    CHECK(has_section);
  }
}

TEST_CASE("every param of every operator kind is mentioned in its section or in the shared "
          "params of its document") {
  const auto sections = all_doc_sections();
  for (const auto& op : catalog()) {
    const std::string kind = op.at("kind");
    std::set<std::string> files;
    std::string text;
    for (const auto& s : sections) {
      if (s.title != kind) continue;
      files.insert(s.file);
      text += s.text;
    }
    for (const auto& s : sections)
      if (files.count(s.file) && is_shared_params(s)) text += s.text;
    for (const auto& prop : op.at("properties")) {
      const std::string name = prop.at("name");
      INFO("kind " << kind << ", param " << name << " (document it as `" << name << "`)");
      CHECK(mentions(text, name));
    }
  }
}

TEST_CASE("the operator documents name no kind and no param that the catalog does not have") {
  std::map<std::string, std::set<std::string>> params;
  for (const auto& op : catalog()) {
    auto& names = params[op.at("kind").get<std::string>()];
    for (const auto& prop : op.at("properties")) names.insert(prop.at("name").get<std::string>());
  }

  for (const auto& s : all_doc_sections()) {
    if (!looks_like_kind(s.title)) continue;
    INFO(s.file << ": section '## " << s.title << "'");
    CHECK(params.count(s.title) == 1);
  }

  std::vector<fs::path> files{operators_dir / "README.md"};
  for (const auto& entry : fs::directory_iterator(operators_dir / "docs"))
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  for (const auto& file : files) {
    std::istringstream in(read_text(file));
    std::string line;
    int line_no = 0;
    int params_column = -1; // of the table being read, if it has one
    std::vector<std::string> previous;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.rfind("|", 0) != 0) {
        params_column = -1;
        previous.clear();
        continue;
      }
      auto row = cells(line);
      if (!row.empty() && row[0].find("---") != std::string::npos) {
        // The row before the separator is the table's header.
        for (std::size_t i = 0; i < previous.size(); ++i)
          if (previous[i].find("params") != std::string::npos) params_column = static_cast<int>(i);
        continue;
      }
      previous = row;
      for (const auto& cell : row) {
        for (const auto& word : backticked(cell)) {
          if (!looks_like_kind(word)) continue;
          INFO(file.filename().string() << ":" << line_no << " names `" << word << "`");
          CHECK(params.count(word) == 1);
        }
      }
      const auto first = backticked(row.empty() ? "" : row[0]);
      if (params_column < 0 || static_cast<std::size_t>(params_column) >= row.size()
          || first.size() != 1 || !params.count(first[0]))
        continue;
      for (const auto& word : backticked(row[static_cast<std::size_t>(params_column)])) {
        INFO(file.filename().string()
             << ":" << line_no << " lists `" << word << "` as a param of " << first[0]);
        CHECK(params[first[0]].count(word) == 1);
      }
    }
  }
}
