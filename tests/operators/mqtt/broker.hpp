#pragma once

// A real mosquitto broker for the MQTT tests: started on 127.0.0.1 on a
// free port with its config, persistence and log in a fresh folder, stopped
// (and the folder removed) by the destructor, so a failing test stops it
// too. stop() and start() again keep the port and the persisted sessions:
// an outage. Also a small publisher and a collecting subscriber on
// libmosquitto, to feed and read what the connectors do.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <mosquitto.h>

#include "operators/free_port.hpp"

namespace sluice::test {

inline bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

/// Runs `cmd` with /bin/sh; throws if it fails.
inline void shell(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
}

/// A CA and a server certificate for 127.0.0.1 / localhost, made with the
/// openssl command in `dir`: ca.crt, server.crt, server.key.
inline void make_certificates(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  shell("cd '" + d
        + "' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=sluice test CA'"
          " -keyout ca.key -out ca.crt >openssl.log 2>&1"
          " && openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server.key"
          " -out server.csr >>openssl.log 2>&1"
          " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext"
          " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2"
          " -extfile san.ext -out server.crt >>openssl.log 2>&1");
}

class mosquitto_broker {
public:
  struct options {
    bool tls = false; ///< a TLS listener with certificates made in the folder
    /// user name and password allowed in; none: anonymous clients
    std::pair<std::string, std::string> user;
  };

  mosquitto_broker() : mosquitto_broker(options{}) {}
  explicit mosquitto_broker(options o) : tls_(o.tls), port_(free_port()) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path()
           / ("sluice-mosquitto-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "data");
    if (tls_) make_certificates(dir_);
    const bool login = !o.user.first.empty();
    if (login)
      shell("mosquitto_passwd -c -b '" + (dir_ / "passwords").string() + "' '" + o.user.first
            + "' '" + o.user.second + "' >/dev/null 2>&1");
    std::ofstream conf(dir_ / "mosquitto.conf");
    conf << "per_listener_settings false\n"
         << "allow_anonymous " << (login ? "false" : "true") << "\n"
         << "persistence true\n"
         << "persistence_location " << (dir_ / "data").string() << "/\n"
         << "autosave_interval 1\n"
         // the default (1000) drops messages for an absent session silently
         << "max_queued_messages 0\n"
         << "max_inflight_messages 100\n"
         << "log_dest file " << (dir_ / "mosquitto.log").string() << "\n"
         << "log_type error\nlog_type warning\nlog_type notice\n"
         << "user root\n";
    if (login) conf << "password_file " << (dir_ / "passwords").string() << "\n";
    conf << "listener " << port_ << " 127.0.0.1\n";
    if (tls_)
      conf << "cafile " << (dir_ / "ca.crt").string() << "\n"
           << "certfile " << (dir_ / "server.crt").string() << "\n"
           << "keyfile " << (dir_ / "server.key").string() << "\n";
    conf.close();
    start();
  }
  ~mosquitto_broker() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  mosquitto_broker(const mosquitto_broker&) = delete;
  mosquitto_broker& operator=(const mosquitto_broker&) = delete;

  int port() const { return port_; }
  std::string url() const {
    return std::string(tls_ ? "mqtts" : "mqtt") + "://127.0.0.1:" + std::to_string(port_);
  }
  std::string ca_file() const { return (dir_ / "ca.crt").string(); }
  const std::filesystem::path& dir() const { return dir_; }

  void start() {
    if (pid_ > 0) return;
    const std::string conf = (dir_ / "mosquitto.conf").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      // its complaint about running as root goes to the log, not the test's output
      const std::string log = (dir_ / "mosquitto.out").string();
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execl("/usr/sbin/mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!port_open(port_)) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("mosquitto exited at start; see "
                                 + (dir_ / "mosquitto.log").string());
      }
      if (std::chrono::steady_clock::now() > until)
        throw std::runtime_error("mosquitto did not listen on port " + std::to_string(port_));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  /// SIGTERM: mosquitto saves its persistence file and exits.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 500 && ::waitpid(pid_, &status, WNOHANG) != pid_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

private:
  bool tls_;
  int port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

/// A libmosquitto client for tests, connected (blocking) on construction.
/// `subscribe` collects every message of a filter; `publish` waits until
/// the broker acknowledged.
class mqtt_test_client {
public:
  struct received {
    std::string topic, payload;
    bool retain = false;
  };

  explicit mqtt_test_client(int port, const std::string& id = "", bool clean = true) {
    mosquitto_lib_init();
    m_ = mosquitto_new(id.empty() ? nullptr : id.c_str(), clean, this);
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      auto& c = *static_cast<mqtt_test_client*>(self);
      std::lock_guard lock(c.mutex_);
      c.messages_.push_back({msg->topic,
                             std::string(static_cast<const char*>(msg->payload),
                                         static_cast<std::size_t>(msg->payloadlen)),
                             msg->retain});
      c.cv_.notify_all();
    });
    mosquitto_publish_callback_set(m_, [](mosquitto*, void* self, int) {
      auto& c = *static_cast<mqtt_test_client*>(self);
      std::lock_guard lock(c.mutex_);
      ++c.acked_;
      c.cv_.notify_all();
    });
    mosquitto_subscribe_callback_set(m_, [](mosquitto*, void* self, int, int, const int*) {
      auto& c = *static_cast<mqtt_test_client*>(self);
      std::lock_guard lock(c.mutex_);
      ++c.subscribed_;
      c.cv_.notify_all();
    });
    if (mosquitto_connect(m_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS)
      throw std::runtime_error("test client cannot connect to port " + std::to_string(port));
    mosquitto_loop_start(m_);
  }
  ~mqtt_test_client() {
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }

  void subscribe(const std::string& filter, int qos = 1) {
    std::unique_lock lock(mutex_);
    const int before = subscribed_;
    lock.unlock();
    mosquitto_subscribe(m_, nullptr, filter.c_str(), qos);
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return subscribed_ > before; });
  }

  void publish(const std::string& topic, const std::vector<std::string>& payloads, int qos = 1,
               bool retain = false) {
    for (const auto& p : payloads) {
      { // a window of unacknowledged messages keeps memory small
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, std::chrono::seconds(10), [&] { return published_ < acked_ + 1000; });
        ++published_;
      }
      mosquitto_publish(m_, nullptr, topic.c_str(), static_cast<int>(p.size()), p.data(), qos,
                        retain);
    }
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::seconds(30), [&] { return acked_ >= published_; });
  }

  /// Waits up to `timeout` for `n` messages in all; returns what arrived.
  std::vector<received> wait_for(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
    return messages_;
  }

  std::vector<received> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }

private:
  mosquitto* m_ = nullptr;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<received> messages_;
  std::size_t acked_ = 0, published_ = 0;
  int subscribed_ = 0;
};

} // namespace sluice::test
