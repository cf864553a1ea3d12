// `source.http`: an HTTP endpoint that clients POST records to.
//
// One instance listens on `listen` (parallelism must be 1) at `path`. A
// POST body is a JSON array of objects or JSON lines (format json), CSV
// lines in the schema's order (format csv), or lines of text (format raw).
// The server's threads parse each request into rows and queue them
// (request_queue); poll() drains the queue into the pipeline.
// Answers:
//   200  every record of the request is queued (some may have gone to
//        `errors`: the answer counts them); the records are now the run's.
//   400  the body does not parse: nothing of the request is queued
//        (all-or-nothing), the answer names the line or element and why.
//   401  `token` is set and the request lacks "Authorization: Bearer <token>".
//   413  the request holds more records than `max_pending`, or a body
//        larger than `max_body`.
//   415  a json source got a Content-Type that is not JSON.
//   429  the queue cannot take the request's records now (the pipeline is
//        slower than its clients): retry after `Retry-After` seconds.
//   503  the source is stopping.
// GET on `path` is a health check: 200 with the queue's fill.
// Guarantees: a record answered with 200 is not lost while the run lives.
// With checkpoints it is not lost when the process dies either: the request
// goes into the instance's spool (connect::spool, in the checkpoint
// directory) before the 200, the source's state says how far it has
// emitted (the last whole request, and the rows of the one in progress),
// a resumed run replays the spool after that, and a complete checkpoint
// releases what it covers. A request spooled when the process died before
// answering comes again if the client retries (at-least-once). Without
// checkpoints, records queued when the process dies are lost although their
// client got 200.
// A record that parses but does not fit the schema goes to `errors`,
// naming the request number and its line or element.

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/spool.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/http/body_splitter.hpp"
#include "sluice/ops/http/http_address.hpp"
#include "sluice/ops/http/request_queue.hpp"
#include "sluice/ops/source/payload_reader.hpp"
#include "sluice/ops/source/schema_inference.hpp"

namespace sluice::ops::http {

namespace {

using core::value_type;

constexpr std::int64_t idle_wait_ns = 2000000; // 2 ms
constexpr std::size_t max_error_text = 4096;

/// The fields a request can add besides its payload, in this order.
const std::vector<std::pair<std::string, value_type>>& metadata_fields() {
  static const std::vector<std::pair<std::string, value_type>> f = {
    {"request", value_type::int64},
    {"line", value_type::int64},
    {"received", value_type::timestamp},
    {"remote", value_type::string}};
  return f;
}

struct source_config {
  listen_address listen;
  std::string path;
  source::payload_format format = source::payload_format::json;
  core::schema_ptr payload;
  std::vector<std::string> metadata;
  std::size_t max_pending = 0;
  std::size_t max_body = 0;
  int retry_after_s = 1;
  std::string tls_cert, tls_key;
  std::string port_file;
  std::shared_ptr<const core::params> params; ///< for `token`, read at open
  core::schema_ptr output;
};

const core::schema_ptr& error_context_schema() {
  static const core::schema_ptr s = core::make_schema(
    {{"request", value_type::int64}, {"line", value_type::int64}, {"text", value_type::string}});
  return s;
}

void reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

bool json_content_type(const std::string& type) {
  const std::string t = type.substr(0, type.find(';'));
  return t.empty() || t == "application/json" || t == "application/x-ndjson"
         || t == "application/jsonl" || t == "application/json-seq" || t == "text/plain";
}

/// The parse error of a JSON text, or "" if it is valid JSON.
std::string json_syntax_error(std::string_view text) {
  try {
    const auto parsed = nlohmann::json::parse(text);
    return parsed.is_discarded() ? "not valid JSON" : "";
  } catch (const nlohmann::json::parse_error& e) {
    return e.what();
  }
}

/// httplib routes by regex: `path` matched as it is.
std::string literal_pattern(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

class http_source final : public core::source_operator {
public:
  http_source(std::shared_ptr<const source_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), node_(ctx.node_id), connector_(ctx.connector),
      queue_(cfg_->max_pending), spool_dir_(ctx.spool_dir) {}

  ~http_source() override { close(); }

  void open() override {
    token_ = cfg_->params->secret("token");
    if (!spool_dir_.empty() && !spool_) {
      try {
        spool_ = std::make_unique<connect::spool>(spool_dir_);
      } catch (const connect::spool_error& e) {
        throw std::runtime_error("source.http " + node_ + ": " + e.what());
      }
      spool_->start_after(std::max(done_seq_, partial_seq_));
      replaying_ = true;
      // New requests are numbered after the spooled ones.
      if (const auto last = spool_->last_found(); last && last->fields.size() == 4)
        requests_ =
          std::max<std::uint64_t>(requests_, std::strtoull(last->fields[0].c_str(), nullptr, 10));
    }
    if (!cfg_->tls_cert.empty()) {
      auto ssl =
        std::make_unique<httplib::SSLServer>(cfg_->tls_cert.c_str(), cfg_->tls_key.c_str());
      if (!ssl->is_valid())
        throw std::runtime_error("source.http " + node_ + ": cannot use tls_cert '" + cfg_->tls_cert
                                 + "' with tls_key '" + cfg_->tls_key
                                 + "' (unreadable, or not a PEM certificate and its key)");
      server_ = std::move(ssl);
    } else server_ = std::make_unique<httplib::Server>();
    server_->set_payload_max_length(cfg_->max_body);
    server_->set_tcp_nodelay(true); // answers are two writes, as requests are
    // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let
    // a second run bind the same port and take half of the requests.
    server_->set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    const std::string pattern = literal_pattern(cfg_->path);
    server_->Post(pattern, [this](const httplib::Request& req, httplib::Response& res) {
      handle_post(req, res);
    });
    server_->Put(pattern, [this](const httplib::Request& req, httplib::Response& res) {
      handle_post(req, res);
    });
    server_->Get(pattern, [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      const std::size_t pending = queue_.pending();
      reply(res, 200,
            {{"status", "up"},
             {"pending", pending},
             {"max_pending", queue_.capacity()},
             {"fill", static_cast<double>(pending) / static_cast<double>(queue_.capacity())}});
    });
    int port = cfg_->listen.port;
    if (port == 0) port = server_->bind_to_any_port(cfg_->listen.host);
    else if (!server_->bind_to_port(cfg_->listen.host, port)) port = -1;
    if (port <= 0)
      throw std::runtime_error("source.http " + node_ + ": cannot listen on " + cfg_->listen.host
                               + ":" + std::to_string(cfg_->listen.port)
                               + " (address in use, or not an address of this machine)");
    port_ = port;
    const bool v6 = cfg_->listen.host.find(':') != std::string::npos;
    const std::string address = std::string(cfg_->tls_cert.empty() ? "http://" : "https://")
                                + (v6 ? "[" + cfg_->listen.host + "]" : cfg_->listen.host) + ":"
                                + std::to_string(port) + cfg_->path;
    if (!cfg_->port_file.empty()) write_port_file();
    std::cerr << "source.http " << node_ << " listening on " << address << std::endl;
    thread_ = std::thread([this] {
      server_->listen_after_bind();
      listen_ended_ = true;
    });
    // httplib's stop() does nothing before the server runs: close() could hang
    while (!server_->is_running() && !listen_ended_)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    connector_->connected();
  }

  void close() override {
    if (!server_) return;
    stopping_ = true;
    server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    // A stopped run polls its sources no more: what is still queued is lost,
    // unless it is spooled for a run resumed from a checkpoint.
    if (const std::size_t left =
          queue_.pending() + (current_ && current_->rows ? current_->rows->rows() - offset_ : 0))
      std::cerr << "source.http " << node_ << ": stopped with " << left
                << " accepted records not yet taken by the pipeline"
                << (spool_ ? " (kept in its spool for a resumed run)" : " (dropped)") << std::endl;
  }

  std::uint32_t state_version() const override { return 1; }

  // How far it has emitted: the seq of the last whole request, and the one
  // in progress with its rows emitted (0s without a spool); and the last
  // request number given, so that numbers go on rising.
  void snapshot(core::state_writer& w) const override {
    w.u64(done_seq_);
    w.u64(current_ ? current_->seq : 0);
    w.u64(current_ ? offset_ : 0);
    w.u64(requests_);
  }

  void restore(core::state_reader& r) override {
    done_seq_ = r.u64();
    partial_seq_ = r.u64();
    partial_offset_ = static_cast<std::size_t>(r.u64());
    requests_ = r.u64();
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (spool_) spool_->seal(id, done_seq_);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (spool_) spool_->checkpoint_complete(id);
  }

  // Emits at most `budget` records: a large request goes out in slices
  // over several polls (its rejected records go to errors when it is taken).
  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    std::size_t left = std::max<std::size_t>(1, budget);
    while (left > 0) {
      if (!current_ && !(replaying_ && take_replayed(out))) {
        auto next = queue_.take(1);
        if (next.empty()) break;
        current_ = std::move(next.front());
        offset_ = 0;
        for (const auto& bad : current_->rejected) report(*current_, bad, out);
      }
      const std::size_t rows = current_->rows ? current_->rows->rows() : 0;
      const std::size_t n = std::min(left, rows - offset_);
      if (n == rows) out.emit(0, current_->rows);
      else if (n > 0) out.emit(0, current_->rows->slice(offset_, offset_ + n));
      offset_ += n;
      left -= n;
      if (offset_ == rows) {
        if (current_->seq != 0) done_seq_ = current_->seq;
        current_.reset();
      }
    }
    if (current_ || queue_.pending() > 0) return core::poll_result::more();
    return core::poll_result::wait(idle_wait_ns);
  }

  /// The port it listens on (after open): tests and the log line use it.
  int port() const { return port_; }

private:
  bool authorized(const httplib::Request& req, httplib::Response& res) {
    if (token_.empty() || req.get_header_value("Authorization") == "Bearer " + token_) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    reply(res, 401, {{"error", "missing or wrong bearer token (Authorization: Bearer <token>)"}});
    return false;
  }

  void handle_post(const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    if (stopping_) {
      reply(res, 503, {{"error", "the source is stopping"}});
      return;
    }
    const std::string type = req.get_header_value("Content-Type");
    if (cfg_->format == source::payload_format::json && !json_content_type(type)) {
      reply(res, 415,
            {{"error", "Content-Type '" + type
                         + "' is not JSON: send application/json (an array, or JSON lines) or "
                           "application/x-ndjson"}});
      return;
    }
    const auto received = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    accepted_request r;
    nlohmann::json error;
    if (!parse_request(req.body, ++requests_, received, req.remote_addr, r, error)) {
      reply(res, 400, error);
      return;
    }
    const std::size_t records = r.records(), rejected = r.rejected.size();
    const std::uint64_t id = r.id;
    request_queue::outcome outcome;
    {
      // One request at a time from here: the spool's order is the queue's.
      std::lock_guard accept(accept_mutex_);
      outcome = queue_.fits(records);
      if (outcome == request_queue::outcome::queued && spool_) {
        try {
          r.seq = spool_->append(
            {std::to_string(id), std::to_string(received), req.remote_addr, req.body});
        } catch (const connect::spool_error& e) {
          reply(res, 503,
                {{"error", std::string("the source cannot keep the request: ") + e.what()}});
          return;
        }
      }
      if (outcome == request_queue::outcome::queued) outcome = queue_.push(r);
    }
    switch (outcome) {
      case request_queue::outcome::queued: break;
      case request_queue::outcome::full:
        res.set_header("Retry-After", std::to_string(cfg_->retry_after_s));
        reply(res, 429,
              {{"error", "the pipeline is behind: " + std::to_string(queue_.pending()) + " of "
                           + std::to_string(queue_.capacity()) + " records pending; retry after "
                           + std::to_string(cfg_->retry_after_s) + " s"}});
        return;
      case request_queue::outcome::too_large:
        reply(res, 413,
              {{"error", "the request holds " + std::to_string(records)
                           + " records, more than max_pending (" + std::to_string(queue_.capacity())
                           + "): send smaller requests"}});
        return;
    }
    reply(res, 200, {{"request", id}, {"accepted", records - rejected}, {"rejected", rejected}});
  }

  // Reads a request's body into rows (all-or-nothing: false with the 400
  // answer's body in `error` if it does not parse). Deterministic, so a
  // spooled request reads again into the same rows.
  bool parse_request(const std::string& body, std::uint64_t id, std::int64_t received,
                     const std::string& remote, accepted_request& r, nlohmann::json& error) const {
    std::vector<body_piece> pieces;
    const bool array = cfg_->format == source::payload_format::json && is_json_array(body);
    std::string reason;
    if (array) {
      if (!split_json_array(body, pieces, reason)) {
        error = {{"error", reason + "; nothing of this request was accepted"}};
        return false;
      }
    } else split_lines(body, pieces);

    r.id = id;
    r.unit = array ? "element" : "line";
    source::payload_reader reader(cfg_->format, cfg_->payload);
    core::batch_builder b(cfg_->output, pieces.size());
    std::vector<std::size_t> numbers; ///< of the rows read, for `line`
    for (const auto& piece : pieces) {
      if (reader.read(piece.text, b, reason)) {
        numbers.push_back(piece.number);
        continue;
      }
      if (cfg_->format == source::payload_format::json) {
        const std::string syntax = json_syntax_error(piece.text);
        if (!syntax.empty()) {
          error = {{"error", r.unit + " " + std::to_string(piece.number) + ": not valid JSON ("
                               + syntax + "); nothing of this request was accepted"},
                   {r.unit, piece.number}};
          return false;
        }
      }
      r.rejected.push_back(
        {piece.number, std::string(piece.text.substr(0, max_error_text)), reason});
    }
    // The metadata columns follow the payload's, for the rows read.
    std::size_t c = cfg_->payload->size();
    for (const auto& name : cfg_->metadata) {
      core::column& col = b.column_at(c++);
      for (std::size_t i = 0; i < numbers.size(); ++i) {
        if (name == "request") col.append_int(static_cast<std::int64_t>(r.id));
        else if (name == "line") col.append_int(static_cast<std::int64_t>(numbers[i]));
        else if (name == "received") col.append_int(received);
        else if (name == "remote") col.append_string(remote);
      }
    }
    if (b.rows() > 0) r.rows = b.finish();
    return true;
  }

  // The next spooled request after the restored position into current_
  // (the one in progress at the checkpoint resumes at its row); false when
  // the spool has no more.
  bool take_replayed(core::emitter& out) {
    auto e = spool_->replay(done_seq_);
    if (!e) {
      replaying_ = false;
      return false;
    }
    if (e->fields.size() != 4)
      throw std::runtime_error("source.http " + node_ + ": the spool in '" + spool_dir_
                               + "' holds an entry that is not a request");
    accepted_request r;
    const std::uint64_t id = std::strtoull(e->fields[0].c_str(), nullptr, 10);
    const std::int64_t received = std::strtoll(e->fields[1].c_str(), nullptr, 10);
    nlohmann::json error;
    if (!parse_request(e->fields[3], id, received, e->fields[2], r, error)) {
      // Only if the schema changed since: its records go to errors.
      r = accepted_request{};
      r.id = id;
      r.unit = "request";
      r.rejected.push_back(
        {0, e->fields[3].substr(0, max_error_text),
         "the spooled request no longer parses: " + error.value("error", std::string())});
    }
    r.seq = e->seq;
    current_ = std::move(r);
    offset_ = 0;
    if (e->seq == partial_seq_) {
      offset_ = std::min(partial_offset_, current_->rows ? current_->rows->rows() : 0);
    } else {
      for (const auto& bad : current_->rejected) report(*current_, bad, out);
    }
    return true;
  }

  void report(const accepted_request& r, const rejected_record& bad, core::emitter& out) {
    core::batch_builder eb(error_context_schema(), 1);
    eb.column_at(0).append_int(static_cast<std::int64_t>(r.id));
    eb.column_at(1).append_int(static_cast<std::int64_t>(bad.number));
    eb.column_at(2).append_string(bad.text);
    auto context = eb.finish();
    out.error(*context, 0,
              "request " + std::to_string(r.id) + " " + r.unit + " " + std::to_string(bad.number)
                + ": " + bad.reason);
  }

  void write_port_file() {
    const std::string tmp = cfg_->port_file + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << port_ << "\n";
      if (!f)
        throw std::runtime_error("source.http " + node_ + ": cannot write port_file '" + tmp + "'");
    }
    std::filesystem::rename(tmp, cfg_->port_file);
  }

  const std::shared_ptr<const source_config> cfg_;
  const std::string node_;
  std::shared_ptr<core::connector_status> connector_;
  request_queue queue_;
  std::optional<accepted_request> current_; ///< taken from the queue, partly emitted
  std::size_t offset_ = 0;                  ///< rows of current_ emitted
  std::string token_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> stopping_{false}, listen_ended_{false};
  std::atomic<std::uint64_t> requests_{0};
  int port_ = 0;
  // With checkpoints (see top).
  const std::string spool_dir_;
  std::unique_ptr<connect::spool> spool_;
  std::mutex accept_mutex_;
  bool replaying_ = false;
  std::uint64_t done_seq_ = 0;    ///< the last whole request emitted
  std::uint64_t partial_seq_ = 0; ///< restored: the request in progress
  std::size_t partial_offset_ = 0;
};

source_config read_config(const core::params& p, const core::bind_context& ctx) {
  if (ctx.parallelism > 1)
    throw core::param_error("parallelism",
                            "source.http listens with one instance: set parallelism 1 (got "
                              + std::to_string(ctx.parallelism) + ")");
  source_config c;
  c.listen = parse_listen("listen", p.string("listen"));
  c.path = p.string("path");
  if (c.path.empty() || c.path[0] != '/')
    throw core::param_error("path", "must start with '/' (got '" + c.path + "')");
  if (c.path.find_first_of("?# \t\r\n") != std::string::npos)
    throw core::param_error("path", "must be a plain path, without query, fragment or blanks (got '"
                                      + c.path + "')");
  c.format = source::parse_payload_format(p.string("format"));
  c.payload = source::payload_schema(
    c.format, p.has("schema") ? source::parse_schema_param(p.json("schema")) : nullptr);
  c.metadata = p.has("metadata") ? p.strings("metadata") : std::vector<std::string>{};
  std::vector<core::field> fields = c.payload->fields();
  for (const auto& name : c.metadata) {
    auto known = std::find_if(metadata_fields().begin(), metadata_fields().end(),
                              [&](const auto& f) { return f.first == name; });
    if (known == metadata_fields().end())
      throw core::param_error("metadata",
                              "unknown field '" + name + "': request, line, received or remote");
    fields.push_back({name, known->second});
  }
  std::set<std::string> names;
  for (const auto& f : fields)
    if (!names.insert(f.name).second)
      throw core::param_error("metadata",
                              "field '" + f.name + "' would appear twice: the payload has it too");
  c.output = core::make_schema(std::move(fields));
  c.max_pending = static_cast<std::size_t>(p.integer("max_pending"));
  c.max_body = static_cast<std::size_t>(p.integer("max_body"));
  c.retry_after_s =
    static_cast<int>(std::max<std::int64_t>(1, (p.duration("retry_after") + 999999) / 1000000));
  c.tls_cert = p.has("tls_cert") ? p.string("tls_cert") : "";
  c.tls_key = p.has("tls_key") ? p.string("tls_key") : "";
  if (c.tls_cert.empty() != c.tls_key.empty())
    throw core::param_error(c.tls_cert.empty() ? "tls_cert" : "tls_key",
                            "tls_cert and tls_key go together (HTTPS needs both)");
  c.port_file = p.has("port_file") ? p.string("port_file") : "";
  c.params = std::make_shared<const core::params>(p);
  return c;
}

} // namespace

core::descriptor http_source_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "source.http";
  d.category = "source";
  d.summary = "An HTTP endpoint: clients POST JSON (arrays or lines), CSV or text records; "
              "answers 429 with Retry-After while the pipeline is behind";
  d.outputs = {{"out", "the payload's fields, then the request metadata asked for"}};
  d.properties = {
    prop("listen", param_type::string,
         "host:port to listen on (port 0: any free port, logged on stderr and written to "
         "port_file)")
      .def("127.0.0.1:0"),
    prop("path", param_type::string, "the path clients POST to (GET on it: health and queue fill)")
      .def("/"),
    prop("format", param_type::choice,
         "json: a JSON array of objects, or JSON lines; csv: one record per line, fields in "
         "the schema's order, no header; raw: each line as the string field 'value'")
      .def("json")
      .choices({"json", "csv", "raw"}),
    prop("schema", param_type::json,
         "field name -> int | double | bool | string | timestamp (or an array of \"name:type\"); "
         "required for json and csv"),
    prop("metadata", param_type::string_list,
         "request metadata to add as fields: request (its number), line (line or element "
         "number), received (timestamp), remote (client address)"),
    prop("max_pending", param_type::integer,
         "records accepted but not yet taken by the pipeline; a request that does not fit is "
         "answered 429")
      .def(65536)
      .min(1),
    prop("max_body", param_type::integer, "the largest request body, in bytes (larger: 413)")
      .def(64 << 20)
      .min(1),
    prop("retry_after", param_type::duration,
         "the Retry-After a 429 answer carries (whole seconds, at least 1)")
      .def("1s"),
    prop("token", param_type::secret,
         "if set, requests need \"Authorization: Bearer <token>\" (401 otherwise); a string, "
         "{\"env\": NAME} or {\"file\": PATH}"),
    prop("tls_cert", param_type::path, "PEM certificate (chain) to serve HTTPS with; with tls_key"),
    prop("tls_key", param_type::path, "PEM private key of tls_cert"),
    prop("port_file", param_type::path,
         "if set, the port listened on is written there once the source listens (for port 0)"),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<const source_config>(read_config(p, ctx));
    return bound({cfg->output}, [cfg](const core::operator_context& c) {
      return std::make_unique<http_source>(cfg, c);
    });
  };
  return d;
}

} // namespace sluice::ops::http
