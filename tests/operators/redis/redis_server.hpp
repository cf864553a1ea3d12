#pragma once

// A real redis-server (Debian's package) for tests: started on 127.0.0.1 on
// a free port, in a fresh folder, with an append-only file so that a stop
// and a start keep its data (an outage); stopped by the destructor, so a
// failing test stops it too. Plus a plain hiredis client to put entries in
// and read what a sink wrote, without Sluice.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <hiredis/hiredis.h>

#include "operators/free_port.hpp"

namespace sluice::test {

struct redis_reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using redis_reply = std::unique_ptr<redisReply, redis_reply_deleter>;

/// A stream entry: its id and its fields.
struct stream_entry {
  std::string id;
  std::map<std::string, std::string> fields;
};

class redis_server {
public:
  /// `extra`: more redis-server arguments, e.g. {"--requirepass", "pw"}.
  explicit redis_server(std::vector<std::string> extra = {})
    : port_(free_port()), extra_(std::move(extra)) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path()
           / ("sluice-redis-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    start();
  }
  ~redis_server() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  /// Starts the server (again: same port, folder and data) and waits until
  /// it answers.
  void start() {
    if (pid_ > 0) return;
    std::vector<std::string> argv{"/usr/bin/redis-server",
                                  "--port",
                                  std::to_string(port_),
                                  "--bind",
                                  "127.0.0.1",
                                  "--save",
                                  "",
                                  "--appendonly",
                                  "yes",
                                  "--appendfsync",
                                  "always",
                                  "--dir",
                                  dir_.string(),
                                  "--logfile",
                                  (dir_ / "redis.log").string(),
                                  "--daemonize",
                                  "no"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
      if (answers()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("redis-server on port " + std::to_string(port_) + " did not start");
  }

  /// Stops the server (SIGTERM: it writes its append-only file and exits;
  /// SIGKILL if it does not within 10 s).
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() >= until) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    conn_.reset();
  }

  /// Runs one command on the test's own connection (AUTH with `password`
  /// first if set).
  redis_reply command(const std::vector<std::string>& argv) {
    if (!conn_) connect();
    std::vector<const char*> a;
    std::vector<std::size_t> lens;
    for (const auto& s : argv) {
      a.push_back(s.data());
      lens.push_back(s.size());
    }
    auto* r = static_cast<redisReply*>(
      redisCommandArgv(conn_.get(), static_cast<int>(a.size()), a.data(), lens.data()));
    if (!r) {
      conn_.reset();
      throw std::runtime_error("redis test client: the command failed");
    }
    return redis_reply(r);
  }

  std::string password;

  /// Runs `commands` pipelined (one round trip per thousand); throws if
  /// one fails.
  void pipelined(const std::vector<std::vector<std::string>>& commands) {
    if (!conn_) connect();
    for (std::size_t from = 0; from < commands.size(); from += 1000) {
      const std::size_t to = std::min(commands.size(), from + 1000);
      for (std::size_t c = from; c < to; ++c) {
        std::vector<const char*> a;
        std::vector<std::size_t> lens;
        for (const auto& s : commands[c]) {
          a.push_back(s.data());
          lens.push_back(s.size());
        }
        redisAppendCommandArgv(conn_.get(), static_cast<int>(a.size()), a.data(), lens.data());
      }
      for (std::size_t c = from; c < to; ++c) {
        void* r = nullptr;
        if (redisGetReply(conn_.get(), &r) != REDIS_OK || !r) {
          conn_.reset();
          throw std::runtime_error("redis test client: a pipelined command failed");
        }
        redis_reply reply(static_cast<redisReply*>(r));
        if (reply->type == REDIS_REPLY_ERROR)
          throw std::runtime_error(std::string("redis test client: ") + reply->str);
      }
    }
  }

  void xadd(const std::string& stream, const std::vector<std::pair<std::string, std::string>>& f) {
    std::vector<std::string> argv{"XADD", stream, "*"};
    for (const auto& [k, v] : f) {
      argv.push_back(k);
      argv.push_back(v);
    }
    command(argv);
  }

  /// Every entry of `stream`, in order.
  std::vector<stream_entry> xrange(const std::string& stream) {
    std::vector<stream_entry> out;
    auto r = command({"XRANGE", stream, "-", "+"});
    for (std::size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; ++i) {
      const redisReply* e = r->element[i];
      stream_entry entry{e->element[0]->str, {}};
      const redisReply* f = e->element[1];
      for (std::size_t j = 0; j + 1 < f->elements; j += 2)
        entry.fields[f->element[j]->str] = f->element[j + 1]->str;
      out.push_back(std::move(entry));
    }
    return out;
  }

  /// A hash's fields.
  std::map<std::string, std::string> hgetall(const std::string& key) {
    std::map<std::string, std::string> out;
    auto r = command({"HGETALL", key});
    for (std::size_t j = 0; r->type == REDIS_REPLY_ARRAY && j + 1 < r->elements; j += 2)
      out[r->element[j]->str] = r->element[j + 1]->str;
    return out;
  }

  /// An integer reply (XLEN, PTTL, ...), or a string's value as text.
  long long integer(const std::vector<std::string>& argv) {
    auto r = command(argv);
    if (r->type == REDIS_REPLY_INTEGER) return r->integer;
    if (r->type == REDIS_REPLY_STRING) return std::stoll(r->str);
    return -1;
  }

  std::string string(const std::vector<std::string>& argv) {
    auto r = command(argv);
    return r->str ? std::string(r->str, r->len) : std::string();
  }

private:
  struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
  };

  bool answers() {
    conn_.reset();
    try {
      connect();
      auto r = command({"PING"});
      const bool up =
        r->type == REDIS_REPLY_STATUS
        || (r->type == REDIS_REPLY_ERROR && std::string(r->str).rfind("NOAUTH", 0) == 0);
      conn_.reset(); // the next command connects again, with the password set by then
      return up;
    } catch (const std::exception&) {
      conn_.reset();
      return false;
    }
  }

  void connect() {
    timeval tv{2, 0};
    conn_.reset(redisConnectWithTimeout("127.0.0.1", port_, tv));
    if (!conn_ || conn_->err) {
      conn_.reset();
      throw std::runtime_error("redis test client: cannot connect");
    }
    redisSetTimeout(conn_.get(), tv);
    if (!password.empty()) {
      auto* r = redisCommand(conn_.get(), "AUTH %s", password.c_str());
      if (r) freeReplyObject(r);
    }
  }

  int port_;
  std::vector<std::string> extra_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::unique_ptr<redisContext, context_deleter> conn_;
};

} // namespace sluice::test
