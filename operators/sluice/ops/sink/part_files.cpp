// sink.file in parts mode (part_files.hpp): every record goes to the part
// its path template names (event-time buckets from the record's fields,
// `{instance}`, and `{n}`, this instance's part counter). A part is one
// whole file, compressed or not, with a CSV header of its own; it is
// written under a hidden name (`.<name>.inprogress` in its folder) and
// renamed to its name when it is complete, so readers of the folder (Hive,
// Spark, Trino skip names starting with '.') never see half a file.
//
// A part rolls (closes) when it reaches `rotate` bytes (uncompressed), at
// end of stream, and with checkpoints at every checkpoint (as Flink's
// FileSink does for bulk formats): a compressed stream cannot be cut
// elsewhere and resumed.
//
// Without checkpoints a rolled part is renamed at once; close() rolls every
// open part, so a stopped run leaves whole files.
// With checkpoints output is exactly-once, in two phases:
// prepare_checkpoint(n) rolls every open part and lists the closed, not yet
// visible parts (temp name, final name) in the state; checkpoint_complete(n)
// renames them. A run restored from checkpoint n renames the parts n lists
// (idempotent: a part already renamed is left alone) and numbers new parts
// from where n left off. What a failed run made visible after n — only its
// end of stream does — is undone: before renaming at end of stream the sink
// lists the parts in `<root>/.sluice-<node>-<instance>.ended` (root: the
// template's folder before its first field), and a restored run deletes the
// files listed there. Parts opened after n by the failed run stay hidden;
// the restored run writes over those that get the same name. A fresh run
// never writes over an existing part: it skips numbers already taken.

#include "sluice/ops/sink/part_files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sluice/core/errors.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/record_template.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/sink/durable_io.hpp"

namespace sluice::ops::sink {

namespace fs = std::filesystem;

namespace {

constexpr char part_number_mark = '\x01'; ///< stands for {n} in a bucket's key
constexpr std::size_t write_chunk = std::size_t{1} << 18;

std::string hidden_name(const std::string& final_path) {
  fs::path p(final_path);
  return (folder_of(p) / ("." + p.filename().string() + ".inprogress")).string();
}

/// The folder every part is under: the template's text up to its first
/// field, cut back to the last '/'.
std::string root_of(const std::string& path_template) {
  auto brace = path_template.find('{');
  auto head = path_template.substr(0, brace);
  auto slash = head.rfind('/');
  return slash == std::string::npos ? "." : head.substr(0, slash == 0 ? 1 : slash);
}

struct part_config {
  std::string path_template;
  connect::record_template path;
  record_format format;
  compression codec;
  std::uint64_t rotate;
  core::schema_ptr input;
};

class part_files_sink final : public core::sink_operator {
public:
  part_files_sink(std::shared_ptr<const part_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), two_phase_(ctx.checkpoints), instance_(std::to_string(ctx.instance)),
      ended_list_((fs::path(root_of(cfg_->path_template))
                   / (".sluice-" + ctx.node_id + "-" + instance_ + ".ended"))
                    .string()) {}

  ~part_files_sink() override = default; // open parts close; their temp files stay hidden

  void open() override {
    if (two_phase_ && restored_) {
      undo_ended_run();
      commit(std::numeric_limits<std::uint64_t>::max()); // every listed part is covered
    } else if (two_phase_) {
      std::error_code ec;
      fs::remove(ended_list_, ec); // a finished run's list: nothing of it is undone now
    }
  }

  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    w.boolean(two_phase_);
    w.u64(next_n_);
    w.count(sealed_.size());
    for (const auto& p : sealed_) {
      w.str(p.temp);
      w.str(p.final_path);
      w.u64(p.checkpoint);
    }
  }

  void restore(core::state_reader& r) override {
    if (r.boolean() != two_phase_)
      throw core::state_error(std::string("sink.file: the state was written by a run ")
                              + (two_phase_ ? "without" : "with") + " checkpoints");
    next_n_ = r.u64();
    sealed_.clear();
    for (std::size_t i = 0, n = r.count(); i < n; ++i) {
      sealed_part p;
      p.temp = r.str();
      p.final_path = r.str();
      p.checkpoint = r.u64();
      if (p.temp != hidden_name(p.final_path))
        throw core::state_error("sink.file: a part's hidden name does not match its name");
      sealed_.push_back(std::move(p));
    }
    restored_ = true;
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter&) override {
    std::string key;
    for (std::size_t row = 0; row < b->rows(); ++row) {
      key.clear();
      cfg_->path.render(*b, row, key, [this](std::size_t extra, std::string& out) {
        if (extra == 0) out += instance_;
        else out += part_number_mark;
      });
      open_part& part = part_for(key);
      if (cfg_->format == record_format::jsonl) {
        core::append_json_record(*b, row, part.buffer);
        part.buffer.push_back('\n');
      } else {
        core::append_csv_record(*b, row, part.buffer);
      }
      if (part.buffer.size() >= write_chunk) drain(part);
      if (cfg_->rotate && part.file->bytes_in() + part.buffer.size() >= cfg_->rotate) roll(key);
    }
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (!two_phase_ || ended_) return;
    roll_all();
    for (auto& p : sealed_)
      if (p.checkpoint == 0) p.checkpoint = id;
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (two_phase_) commit(id);
  }

  void on_end_of_stream(core::emitter&) override {
    if (ended_) return;
    roll_all();
    if (two_phase_) {
      write_ended_list();
      commit(std::numeric_limits<std::uint64_t>::max());
    }
    ended_ = true;
  }

  void close() override {
    if (two_phase_) { // what no complete checkpoint covers stays hidden, and goes
      for (auto& [key, part] : open_) {
        part.file.reset();
        std::error_code ec;
        fs::remove(hidden_name(part.final_path), ec);
      }
      open_.clear();
      return;
    }
    roll_all(); // without checkpoints a stopped run leaves whole files
  }

private:
  struct open_part {
    std::string final_path;
    std::unique_ptr<compressed_file> file;
    std::string buffer;
  };
  struct sealed_part {
    std::string temp, final_path;
    std::uint64_t checkpoint = 0; ///< 0: not assigned to a checkpoint yet
  };

  open_part& part_for(const std::string& key) {
    auto it = open_.find(key);
    if (it != open_.end()) return it->second;
    open_part part;
    for (;;) { // never write over a part that exists (another run's)
      part.final_path = key;
      auto mark = part.final_path.find(part_number_mark);
      while (mark != std::string::npos) {
        part.final_path.replace(mark, 1, std::to_string(next_n_));
        mark = part.final_path.find(part_number_mark);
      }
      ++next_n_;
      std::error_code ec;
      if (!fs::exists(part.final_path, ec)) break;
    }
    auto folder = folder_of(part.final_path);
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
      throw std::runtime_error("cannot create the folder of '" + part.final_path
                               + "': " + ec.message());
    part.file = std::make_unique<compressed_file>(hidden_name(part.final_path), cfg_->codec);
    if (cfg_->format == record_format::csv && cfg_->input)
      core::append_csv_header(*cfg_->input, part.buffer);
    return open_.emplace(key, std::move(part)).first->second;
  }

  static void drain(open_part& part) {
    part.file->write(part.buffer);
    part.buffer.clear();
  }

  void roll(const std::string& key) {
    auto it = open_.find(key);
    if (it == open_.end()) return;
    open_part part = std::move(it->second);
    open_.erase(it);
    drain(part);
    part.file->finish();
    std::string temp = part.file->path();
    part.file.reset();
    if (two_phase_) sealed_.push_back({temp, part.final_path, 0});
    else rename_durably(temp, part.final_path);
  }

  void roll_all() {
    while (!open_.empty()) roll(open_.begin()->first);
  }

  // Makes every sealed part of checkpoints up to `id` visible. A part whose
  // hidden file is gone but whose name exists was renamed before a crash.
  void commit(std::uint64_t id) {
    std::vector<sealed_part> later;
    for (auto& p : sealed_) {
      if (p.checkpoint == 0 || p.checkpoint > id) {
        if (id != std::numeric_limits<std::uint64_t>::max()) {
          later.push_back(std::move(p));
          continue;
        }
      }
      std::error_code ec;
      if (fs::exists(p.temp, ec)) rename_durably(p.temp, p.final_path);
      else if (!fs::exists(p.final_path, ec))
        throw std::runtime_error("sink.file: the part '" + p.final_path
                                 + "' of a checkpoint is gone (its hidden file '" + p.temp
                                 + "' was removed)");
    }
    sealed_ = std::move(later);
  }

  void write_ended_list() {
    std::error_code ec;
    fs::create_directories(folder_of(ended_list_), ec);
    std::string temp = ended_list_ + ".tmp";
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      for (const auto& p : sealed_) out << p.final_path << '\n';
      if (!out) throw std::runtime_error("cannot write '" + temp + "': " + std::strerror(errno));
    }
    rename_durably(temp, ended_list_);
  }

  // A restored run takes back what the run it replaces made visible at its
  // end of stream: the checkpoint it restores did not cover that.
  void undo_ended_run() {
    std::ifstream in(ended_list_);
    if (!in) return;
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) remove_durably(line);
    remove_durably(ended_list_);
  }

  const std::shared_ptr<const part_config> cfg_;
  const bool two_phase_;
  const std::string instance_;
  const std::string ended_list_;
  std::map<std::string, open_part> open_; ///< by bucket key (the path, {n} marked)
  std::vector<sealed_part> sealed_;       ///< closed, not yet visible (checkpoints)
  std::uint64_t next_n_ = 0;
  bool restored_ = false, ended_ = false;
};

bool has_field(const std::string& text, const std::string& name) {
  return text.find("{" + name + "}") != std::string::npos;
}

} // namespace

bool wants_parts(const std::string& path, const std::string& compression) {
  return path.find('{') != std::string::npos
         || parse_compression(compression, path) != compression::none;
}

std::string part_path_template(const std::string& path, std::size_t parallelism) {
  std::string insert;
  if (parallelism > 1 && !has_field(path, "instance")) insert += "-{instance}";
  if (!has_field(path, "n")) insert += "-{n}";
  if (insert.empty()) return path;
  auto slash = path.rfind('/');
  auto name_start = slash == std::string::npos ? 0 : slash + 1;
  auto dot = path.find('.', name_start + 1); // a leading dot is part of the name
  if (dot == std::string::npos) return path + insert;
  return path.substr(0, dot) + insert + path.substr(dot);
}

core::bound_ptr bind_part_files(const std::string& path, record_format format, compression codec,
                                std::uint64_t rotate, const core::bind_context& ctx) {
  auto cfg = std::make_shared<part_config>();
  cfg->path_template = part_path_template(path, ctx.parallelism);
  cfg->format = format;
  cfg->codec = codec;
  cfg->rotate = rotate;
  cfg->input = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
  if (!cfg->input && path.find('{') != std::string::npos)
    cfg->input = std::make_shared<core::schema>();
  cfg->path = connect::record_template(
    "path", cfg->path_template, cfg->input ? *cfg->input : core::schema(), {"instance", "n"});
  std::shared_ptr<const part_config> shared = cfg;
  return bound({}, [shared](const core::operator_context& c) {
    return std::make_unique<part_files_sink>(shared, c);
  });
}

} // namespace sluice::ops::sink
