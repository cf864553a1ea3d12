#pragma once

// An HTTP server (cpp-httplib, the library sink.http uses as a client) in
// the test process on 127.0.0.1, on a free port. It records every request
// and answers what `respond` says (200 by default). stop() and start()
// again keep the port: an outage and a return. The destructor stops it, so
// a failing test leaves nothing listening.

#include <httplib.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sluice::test {

struct received_request {
  std::string method, path, body;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class test_server {
public:
  /// `respond` fills the answer (status, headers, body); it may be called
  /// from several server threads at once.
  using responder = std::function<void(const httplib::Request&, httplib::Response&)>;

  explicit test_server(responder respond = {}, std::string cert = "", std::string key = "")
    : respond_(std::move(respond)), cert_(std::move(cert)), key_(std::move(key)) {
    start();
  }
  ~test_server() { stop(); }
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  void start() {
    if (server_) return;
    if (cert_.empty()) server_ = std::make_unique<httplib::Server>();
    else server_ = std::make_unique<httplib::SSLServer>(cert_.c_str(), key_.c_str());
    if (!server_->is_valid()) throw std::runtime_error("test_server: bad certificate");
    auto handle = [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back({req.method, req.path, req.body, req.headers});
      }
      res.status = 200;
      if (respond_) respond_(req, res);
    };
    server_->set_tcp_nodelay(true);
    server_->Post(".*", handle);
    server_->Put(".*", handle);
    if (port_ == 0) port_ = server_->bind_to_any_port("127.0.0.1");
    else
      for (int i = 0; i < 100 && !server_->bind_to_port("127.0.0.1", port_); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (port_ <= 0) throw std::runtime_error("test_server: cannot listen");
    thread_ = std::thread([s = server_.get()] { s->listen_after_bind(); });
    // stop() before the thread runs would not stop it
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void stop() {
    if (!server_) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  int port() const { return port_; }
  std::string url(const std::string& path = "/in") const {
    return std::string(cert_.empty() ? "http://" : "https://")
           + "127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<received_request> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.clear();
  }

private:
  responder respond_;
  std::string cert_, key_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<received_request> requests_;
};

} // namespace sluice::test
