#pragma once

// A real SMTP server for the sink.email tests: aiosmtpd (Debian's
// python3-aiosmtpd, hence /usr/bin/python3 and not the first python3 on
// the PATH) running smtp_server.py on 127.0.0.1 on a free port,
// saving each message it accepts to a fresh folder, where the test reads
// what arrived. Plain, STARTTLS or implicit TLS, with or without a login.
// Stopped by the destructor, so a failing test stops it too; stop() and
// start() again keep the port and the folder (an outage).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "operators/free_port.hpp"
#include "operators/mqtt/broker.hpp" // port_open, shell, make_certificates

namespace sluice::test {

/// One message as the server received it.
struct received_mail {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::string data; ///< the message text, CRLF line ends

  /// The value of header `name` (first one; folded lines joined), "" if absent.
  std::string header(const std::string& name) const {
    const auto end = data.find("\r\n\r\n");
    const std::string head = data.substr(0, end);
    std::size_t at = 0;
    while (at < head.size()) {
      auto eol = head.find("\r\n", at);
      if (eol == std::string::npos) eol = head.size();
      const std::string line = head.substr(at, eol - at);
      const auto colon = line.find(':');
      if (colon != std::string::npos && line[0] != ' ' && line[0] != '\t'
          && equal_names(line.substr(0, colon), name)) {
        std::string value = line.substr(colon + 1);
        while (eol + 2 < head.size() && (head[eol + 2] == ' ' || head[eol + 2] == '\t')) {
          const auto next = std::min(head.find("\r\n", eol + 2), head.size());
          value += head.substr(eol + 2, next - eol - 2);
          eol = next;
        }
        return value.substr(value.find_first_not_of(' ') == std::string::npos
                              ? value.size()
                              : value.find_first_not_of(' '));
      }
      at = eol + 2;
    }
    return "";
  }
  /// How many header lines are named `name`.
  std::size_t header_count(const std::string& name) const {
    const std::string head = "\r\n" + data.substr(0, data.find("\r\n\r\n"));
    std::size_t n = 0;
    for (std::size_t at = head.find("\r\n"); at != std::string::npos;
         at = head.find("\r\n", at + 2)) {
      const auto colon = head.find(':', at + 2);
      const auto eol = head.find("\r\n", at + 2);
      if (colon != std::string::npos && (eol == std::string::npos || colon < eol)
          && equal_names(head.substr(at + 2, colon - at - 2), name))
        ++n;
    }
    return n;
  }
  std::string body() const {
    const auto end = data.find("\r\n\r\n");
    return end == std::string::npos ? "" : data.substr(end + 4);
  }

private:
  static bool equal_names(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x))
                    == std::tolower(static_cast<unsigned char>(y));
           });
  }
};

struct smtp_options {
  std::string tls = "none"; ///< none, starttls, implicit (certificates made here)
  std::string user, password;
};

class smtp_server {
public:
  explicit smtp_server(smtp_options o = {}) : port_(free_port()), o_(std::move(o)) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path()
           / ("sluice-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "mail");
    if (o_.tls != "none") make_certificates(dir_);
    start();
  }
  ~smtp_server() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  smtp_server(const smtp_server&) = delete;
  smtp_server& operator=(const smtp_server&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string ca_file() const { return (dir_ / "ca.crt").string(); }

  /// Starts the server (again: same port and folder) and waits until it listens.
  void start() {
    if (pid_ > 0) return;
    std::vector<std::string> argv{"/usr/bin/python3",
                                  std::string(SLUICE_SOURCE_DIR)
                                    + "/tests/operators/email/smtp_server.py",
                                  "--port",
                                  std::to_string(port_),
                                  "--dir",
                                  (dir_ / "mail").string(),
                                  "--tls",
                                  o_.tls};
    if (o_.tls != "none")
      argv.insert(argv.end(), {"--cert", (dir_ / "server.crt").string(), "--key",
                               (dir_ / "server.key").string()});
    if (!o_.user.empty()) argv.insert(argv.end(), {"--user", o_.user, "--password", o_.password});
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const std::string log = (dir_ / "server.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      if (FILE* f = std::freopen(log.c_str(), "a", stderr)) (void)f;
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
      if (port_open(port_)) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error("the SMTP server on port " + std::to_string(port_)
                             + " did not start (see " + log + ")");
  }

  /// Stops the server (SIGTERM; SIGKILL if it does not exit within 10 s).
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
  }

  /// Every message received so far, in arrival order.
  std::vector<received_mail> messages() const {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "mail"))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<received_mail> out;
    for (const auto& f : files) {
      std::ifstream in(f);
      const auto j = nlohmann::json::parse(in);
      out.push_back({j.at("mail_from").get<std::string>(),
                     j.at("rcpt_tos").get<std::vector<std::string>>(),
                     j.at("data").get<std::string>()});
    }
    return out;
  }

  /// Waits (at most 60 s) until `n` messages arrived; returns them all.
  std::vector<received_mail> wait_for(std::size_t n) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      auto m = messages();
      if (m.size() >= n || std::chrono::steady_clock::now() >= until) return m;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

private:
  int port_;
  smtp_options o_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

} // namespace sluice::test
