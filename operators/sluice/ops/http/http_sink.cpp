// `sink.http`: sends records to an HTTP endpoint, `batch` records per
// request (POST, or PUT). The body is a JSON array of the records, or,
// with `body`, each record rendered through that template
// (connect::record_template), one per line.
//
// Delivery (http_delivery): connection errors, timeouts, 5xx, 408 and 429
// are retried with exponential backoff (reconnect_backoff doubling up to
// reconnect_backoff_max, or the peer's Retry-After if longer) until
// `retries` attempts were made (0: without limit); meanwhile the sink
// waits in on_batch, so credit holds the sources back and memory stays
// bounded. A request that still fails, or that is answered with another
// 4xx, sends each of its records to `errors` (dead letters) with the
// status and the reason: nothing is dropped silently, and the run goes on.
// 401 and 403 are the exception: credentials the peer refuses would turn
// every record into a dead letter, so they fail the run, naming the peer's
// answer (docs/ARCHITECTURE.md §12); the records stay where they were (in
// the checkpoint's staged rows, or upstream).
// Without checkpoints every input batch is sent before on_batch returns
// (split into requests of at most `batch` records; nothing is held across
// batches): at-least-once (a request whose answer was lost is sent again).
// With checkpoints: records are held (sink::staged_rows, the sink's state)
// until the checkpoint that covers them completes, then sent, each
// request with "Idempotency-Key: <node>-<instance>-<checkpoint>-<n>". A
// run resumed after a crash sends the held records of the checkpoint it
// resumes from again, with the same keys (the same rows, cut the same
// way): at-least-once, and a peer that remembers keys can drop the
// repeats. The rows after the last checkpoint, sent at end of stream, are
// keyed "<node>-<instance>-final-<unix ms>-<n>", unique to the run. Records that end up dead
// letters in checkpoint_complete (which has no emitter) go to `errors` at the next callback that
// has one.

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/core/secrets.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/backoff.hpp"
#include "sluice/ops/connect/record_template.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/http/http_delivery.hpp"
#include "sluice/ops/sink/staged_rows.hpp"

namespace sluice::ops::http {

namespace {

struct sink_config {
  url_parts url;
  std::string shown_url;
  bool put = false;
  nlohmann::json headers = nlohmann::json::object(); ///< values: text or secret references
  std::size_t batch = 500;
  std::optional<connect::record_template> body;
  std::string content_type;
  std::int64_t timeout_ns = 0, attempts = 0, backoff_ns = 0, backoff_max_ns = 0;
  std::string tls_ca;
  bool tls_verify = true;
  std::shared_ptr<const core::params> params; ///< for `token`, read at open
  core::schema_ptr input;
};

/// Rows [begin, end) of one batch: a part of a request.
struct row_range {
  core::batch_ptr batch;
  std::size_t begin = 0, end = 0;
};

/// Records of a failed request, waiting for an emitter to go to `errors`.
struct dead_letters {
  std::vector<row_range> rows;
  std::string reason;
};

class http_sink final : public core::sink_operator {
public:
  http_sink(std::shared_ptr<const sink_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), two_phase_(ctx.checkpoints),
      key_prefix_(ctx.node_id + "-" + std::to_string(ctx.instance) + "-"),
      connector_(ctx.connector) {}

  ~http_sink() override { close(); }

  void open() override {
    if (delivery_) return;
    delivery_settings s;
    s.url = cfg_->url;
    s.shown_url = cfg_->shown_url;
    s.put = cfg_->put;
    for (const auto& [name, value] : cfg_->headers.items()) {
      try {
        s.headers.emplace(name, value.is_string() ? value.get<std::string>()
                                                  : core::resolve_secret(value));
      } catch (const std::runtime_error& e) {
        throw core::param_error("headers", "header '" + name + "': " + e.what());
      }
    }
    const std::string token = cfg_->params->secret("token");
    if (!token.empty()) s.headers.emplace("Authorization", "Bearer " + token);
    s.timeout_ns = cfg_->timeout_ns;
    s.max_attempts = cfg_->attempts;
    s.backoff_ns = cfg_->backoff_ns;
    s.backoff_max_ns = cfg_->backoff_max_ns;
    s.tls_ca = cfg_->tls_ca;
    s.tls_verify = cfg_->tls_verify;
    delivery_ = std::make_unique<http_delivery>(std::move(s), connector_);
    // Resumed: the checkpoint we resume from is complete, so what it holds
    // sealed may not have been sent yet. Send it again (at-least-once).
    if (two_phase_ && restored_) send_sealed_up_to(staged_.last_sealed());
  }

  void close() override {
    if (!waiting_.empty()) {
      std::size_t n = 0;
      for (const auto& d : waiting_)
        for (const auto& r : d.rows) n += r.end - r.begin;
      std::cerr << "sink.http: " << n
                << " records could not be delivered and the run stopped before they could go "
                   "to errors: "
                << waiting_.front().reason << std::endl;
      waiting_.clear();
    }
    delivery_.reset();
  }

  // With checkpoints the state is the records held back, and which
  // checkpoints sealed them (their ids make the idempotency keys).
  std::uint32_t state_version() const override { return two_phase_ ? 1 : 0; }
  void snapshot(core::state_writer& w) const override {
    if (!two_phase_) return;
    staged_.snapshot(w);
    w.count(sealed_ids_.size());
    for (auto id : sealed_ids_) w.u64(id);
  }
  void restore(core::state_reader& r) override {
    if (!two_phase_) return;
    staged_.restore(r, *cfg_->input);
    sealed_ids_.clear();
    for (auto n = r.count(); n > 0; --n) {
      const std::uint64_t id = r.u64();
      if (!sealed_ids_.empty() && id <= sealed_ids_.back())
        throw core::state_error("sink.http: sealed checkpoints out of order");
      sealed_ids_.push_back(id);
    }
    if (!sealed_ids_.empty() && sealed_ids_.back() != staged_.last_sealed())
      throw core::state_error("sink.http: the sealed checkpoints do not match the rows held");
    restored_ = true;
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    if (!delivery_) open();
    report_waiting(out);
    if (two_phase_) {
      if (!ended_) staged_.add(b);
      return;
    }
    send({b}, "", &out);
  }

  void on_end_of_stream(core::emitter& out) override {
    if (!delivery_) open();
    if (two_phase_ && !ended_) {
      ended_ = true;
      send_sealed_up_to(staged_.last_sealed());
      // The rows after the last checkpoint no checkpoint holds: after a crash
      // they are read again, maybe in another order, so their keys must be
      // this run's own (a peer must never drop them as repeats).
      const auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
      send(staged_.all(), "final-" + std::to_string(run_ms), nullptr);
      staged_.clear();
    }
    report_waiting(out);
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (!two_phase_ || ended_) return;
    staged_.seal(id);
    sealed_ids_.push_back(id);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (!two_phase_ || ended_ || !delivery_) return;
    send_sealed_up_to(id);
  }

private:
  // Sends each sealed checkpoint up to `id` on its own, with its own keys,
  // so a resumed run repeats exactly the requests the first one made.
  void send_sealed_up_to(std::uint64_t id) {
    std::size_t done = 0;
    std::uint64_t last = 0;
    for (auto s : sealed_ids_) {
      if (s > id) break;
      auto all = staged_.sealed_up_to(s);
      std::vector<core::batch_ptr> mine(all.begin() + static_cast<std::ptrdiff_t>(done), all.end());
      done = all.size();
      send(mine, std::to_string(s), nullptr);
      last = s;
    }
    if (last == 0) return;
    staged_.drop_up_to(last);
    sealed_ids_.erase(sealed_ids_.begin(),
                      std::upper_bound(sealed_ids_.begin(), sealed_ids_.end(), last));
  }

  // Sends `batches` in requests of at most `batch` records. `checkpoint`
  // non-empty: each request carries an idempotency key. `out` null: dead
  // letters wait for the next callback with an emitter.
  void send(const std::vector<core::batch_ptr>& batches, const std::string& checkpoint,
            core::emitter* out) {
    std::vector<row_range> request;
    std::size_t in_request = 0, number = 0;
    auto flush = [&] {
      if (in_request == 0) return;
      ++number;
      deliver(request, checkpoint.empty() ? "" : checkpoint + "-" + std::to_string(number), out);
      request.clear();
      in_request = 0;
    };
    for (const auto& b : batches) {
      std::size_t row = 0;
      while (row < b->rows()) {
        const std::size_t n = std::min(b->rows() - row, cfg_->batch - in_request);
        request.push_back({b, row, row + n});
        row += n;
        in_request += n;
        if (in_request == cfg_->batch) flush();
      }
    }
    flush();
  }

  void deliver(const std::vector<row_range>& rows, const std::string& key, core::emitter* out) {
    body_.clear();
    if (cfg_->body) {
      bool first = true;
      for (const auto& r : rows)
        for (std::size_t i = r.begin; i < r.end; ++i) {
          if (!first) body_ += '\n';
          first = false;
          cfg_->body->render(*r.batch, i, body_);
        }
    } else {
      body_ += '[';
      bool first = true;
      for (const auto& r : rows)
        for (std::size_t i = r.begin; i < r.end; ++i) {
          if (!first) body_ += ',';
          first = false;
          core::append_json_record(*r.batch, i, body_);
        }
      body_ += ']';
    }
    httplib::Headers extra;
    if (!key.empty()) extra.emplace("Idempotency-Key", key_prefix_ + key);
    const auto result = delivery_->send(body_, cfg_->content_type, extra);
    if (result.delivered) return;
    if (result.status == 401 || result.status == 403)
      throw std::runtime_error(result.reason
                               + " (the peer refuses the credentials: check token, headers and "
                                 "the URL's user; nothing was sent to errors)");
    dead_letters d{rows, result.reason};
    if (out) report(d, *out);
    else waiting_.push_back(std::move(d));
  }

  void report(const dead_letters& d, core::emitter& out) {
    for (const auto& r : d.rows)
      for (std::size_t i = r.begin; i < r.end; ++i) out.error(*r.batch, i, d.reason);
  }

  void report_waiting(core::emitter& out) {
    for (const auto& d : waiting_) report(d, out);
    waiting_.clear();
  }

  const std::shared_ptr<const sink_config> cfg_;
  const bool two_phase_;
  const std::string key_prefix_;
  std::shared_ptr<core::connector_status> connector_;
  std::unique_ptr<http_delivery> delivery_;
  sink::staged_rows staged_;              ///< with checkpoints: records not sent yet
  std::vector<std::uint64_t> sealed_ids_; ///< the checkpoints staged_ holds sealed rows of
  std::vector<dead_letters> waiting_;
  bool restored_ = false, ended_ = false;
  std::string body_;
};

} // namespace

core::descriptor http_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.http";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Sends records to an HTTP endpoint in batches (a JSON array, or a template per "
              "record), retrying with backoff; what still fails goes to errors";
  d.inputs = {{"in", "records to send, any schema"}};
  d.properties = {
    prop("url", param_type::string,
         "http:// or https:// URL to send to (user:password@ in it: basic auth)")
      .required()
      .shapes_state(),
    prop("method", param_type::choice, "POST or PUT").def("POST").choices({"POST", "PUT"}),
    prop("headers", param_type::json,
         "extra request headers: name -> value, a value may be a secret {\"env\": NAME} or "
         "{\"file\": PATH}"),
    prop("token", param_type::secret,
         "if set, sent as \"Authorization: Bearer <token>\"; a string, {\"env\": NAME} or "
         "{\"file\": PATH}"),
    prop("batch", param_type::integer, "records per request, at most").def(500).min(1),
    prop("body", param_type::string,
         "a template per record ({field}, {ts:%Y-%m-%d}, {{ and }} for braces), one record a "
         "line; absent: the request body is a JSON array of the records"),
    prop("content_type", param_type::string,
         "the Content-Type sent (default application/json for the array, "
         "application/x-ndjson with body)"),
    prop("timeout", param_type::duration, "connect, send and answer timeout of one attempt")
      .def("10s")
      .min(0.001),
    prop("retries", param_type::integer,
         "attempts per request before its records go to errors (0: retry without limit)")
      .def(10)
      .min(0),
    prop("tls_ca", param_type::path,
         "https: PEM file of the certificate authorities to trust "
         "(default: the system's)"),
    prop("tls_verify", param_type::boolean, "https: verify the server's certificate").def(true),
  };
  for (const auto& b : connect::backoff_properties()) d.properties.push_back(b);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<sink_config>();
    cfg->input = input_schema(ctx, 0, "in");
    cfg->url = parse_url("url", p.string("url"));
    cfg->shown_url = core::redact_url(p.string("url"));
    cfg->put = p.string("method") == "PUT";
    if (p.has("headers")) {
      const auto& h = p.json("headers");
      if (!h.is_object())
        throw core::param_error("headers", "must be an object of header name -> value");
      for (const auto& [name, value] : h.items()) {
        if (name.empty() || name.find_first_of(" :\r\n") != std::string::npos)
          throw core::param_error("headers", "'" + name + "' is not a header name");
        if (!value.is_string() && !core::is_secret_reference(value))
          throw core::param_error("headers", "header '" + name
                                               + "' must be a string, {\"env\": NAME} or "
                                                 "{\"file\": PATH}");
        if (value.is_string()
            && value.get<std::string>().find_first_of("\r\n") != std::string::npos)
          throw core::param_error("headers", "header '" + name + "' holds a line break");
      }
      cfg->headers = h;
    }
    cfg->batch = static_cast<std::size_t>(p.integer("batch"));
    if (p.has("body")) cfg->body.emplace("body", p.string("body"), *cfg->input);
    cfg->content_type = p.has("content_type") ? p.string("content_type")
                        : cfg->body           ? "application/x-ndjson"
                                              : "application/json";
    cfg->timeout_ns = p.duration("timeout") * 1000;
    cfg->attempts = p.integer("retries");
    cfg->backoff_ns = p.duration("reconnect_backoff") * 1000;
    cfg->backoff_max_ns = p.duration("reconnect_backoff_max") * 1000;
    cfg->tls_ca = p.has("tls_ca") ? p.string("tls_ca") : "";
    cfg->tls_verify = p.boolean("tls_verify");
    if (!cfg->url.https && !cfg->tls_ca.empty())
      throw core::param_error("tls_ca", "is for https:// URLs only");
    cfg->params = std::make_shared<const core::params>(p);
    std::shared_ptr<const sink_config> shared = cfg;
    return bound({}, [shared](const core::operator_context& c) {
      return std::make_unique<http_sink>(shared, c);
    });
  };
  return d;
}

} // namespace sluice::ops::http
