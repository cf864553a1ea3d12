#pragma once

// One SMTP server that sink.email sends messages to, through libcurl's
// SMTP support. One connection, kept open between messages (curl reuses
// it, and opens a new one when the server closed it). Sending blocks for
// at most `timeout_ns` per attempt; it never retries: the sink decides
// what to do with each outcome.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sluice::ops::email {

enum class tls_mode { starttls, implicit, none };

struct smtp_settings {
  std::string host;
  int port = 25;
  tls_mode tls = tls_mode::starttls;
  std::string user, password; ///< empty user: no AUTH
  std::string tls_ca;         ///< PEM file of the CAs to trust; "" = the system's
  bool tls_verify = true;
  std::int64_t timeout_ns = 30000000000;
};

struct send_outcome {
  enum class kind {
    sent,
    transient, ///< the server is unreachable or said 4xx: try again later
    refused,   ///< the server refused this message for good (5xx): a dead letter
    fatal,     ///< no message can go (login refused, TLS not offered or not trusted)
  } what = kind::sent;
  bool link_down = false; ///< transient because there was no working connection
  int code = 0;           ///< the server's last reply code (0: none)
  std::string reason;     ///< what happened, with the server's reply text if any
};

class smtp_client {
public:
  explicit smtp_client(smtp_settings s);
  ~smtp_client();
  smtp_client(const smtp_client&) = delete;
  smtp_client& operator=(const smtp_client&) = delete;

  /// Sends `message` (full text, CRLF line ends) from `from` to
  /// `recipients` (bare addresses). Never throws for what the server does.
  send_outcome send(const std::string& from, const std::vector<std::string>& recipients,
                    const std::string& message);

  /// Connects and logs in without sending anything (at most `timeout_ns`):
  /// `fatal` if the login, TLS or certificate is refused, `transient` if
  /// the server cannot be reached.
  send_outcome check_login(std::int64_t timeout_ns);

  /// "smtp://host:port" (or smtps://) for messages; never holds the password.
  const std::string& shown_url() const { return url_; }

private:
  struct handle;
  void configure(void* curl, handle& h, std::int64_t timeout_ns) const;
  send_outcome outcome(int code, handle& h) const;

  smtp_settings s_;
  std::string url_;
  std::unique_ptr<handle> h_;
};

} // namespace sluice::ops::email
