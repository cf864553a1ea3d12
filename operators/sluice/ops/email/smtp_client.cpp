#include "sluice/ops/email/smtp_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>

namespace sluice::ops::email {

namespace {

std::once_flag curl_initialised;

struct upload {
  const std::string* text = nullptr;
  std::size_t offset = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* u = static_cast<upload*>(user);
  const std::size_t n = std::min(size * count, u->text->size() - u->offset);
  std::memcpy(buffer, u->text->data() + u->offset, n);
  u->offset += n;
  return n;
}

/// What the server said during one transfer.
struct replies {
  std::string last;         ///< its last reply line
  std::string last_error;   ///< its last 4xx or 5xx line (what went wrong, not the "221 Bye" after)
  bool offers_auth = false; ///< an EHLO reply listed AUTH
  void clear() {
    last.clear();
    last_error.clear();
    offers_auth = false;
  }
  const std::string& telling() const { return last_error.empty() ? last : last_error; }
};

/// Keeps what the server says (e.g. "550 5.1.1 no such user"). Only the
/// server's lines are looked at: never the client's, which hold the AUTH
/// exchange.
int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* r = static_cast<replies*>(user);
  std::string line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.size() > 300) line.resize(300);
  if (line.empty()) return 0;
  r->last = line;
  if (line[0] == '4' || line[0] == '5') r->last_error = line;
  if (line.size() > 8 && line.compare(0, 3, "250") == 0 && line.compare(4, 4, "AUTH") == 0)
    r->offers_auth = true;
  return 0;
}

int reply_code(const std::string& line) {
  if (line.size() < 3
      || !std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; }))
    return 0;
  return std::stoi(line.substr(0, 3));
}

struct slist_deleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

} // namespace

struct smtp_client::handle {
  CURL* curl = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  replies said;
  ~handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

smtp_client::smtp_client(smtp_settings s) : s_(std::move(s)), h_(std::make_unique<handle>()) {
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const bool v6 = s_.host.find(':') != std::string::npos;
  url_ = std::string(s_.tls == tls_mode::implicit ? "smtps://" : "smtp://")
         + (v6 ? "[" + s_.host + "]" : s_.host) + ":" + std::to_string(s_.port);
  h_->curl = curl_easy_init();
  if (!h_->curl) throw std::runtime_error("sink.email: cannot start libcurl");
  configure(h_->curl, *h_, s_.timeout_ns);
  curl_easy_setopt(h_->curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h_->curl, CURLOPT_READFUNCTION, read_message);
}

void smtp_client::configure(void* curl, handle& h, std::int64_t timeout_ns) const {
  CURL* c = static_cast<CURL*>(curl);
  curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h.error);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); // feeds on_debug only: nothing is printed
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &h.said);
  const long timeout_ms = static_cast<long>(std::max<std::int64_t>(1, timeout_ns / 1000000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(
    c, CURLOPT_USE_SSL,
    static_cast<long>(s_.tls == tls_mode::starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  if (s_.tls != tls_mode::none) {
    if (!s_.tls_ca.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, s_.tls_ca.c_str());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, s_.tls_verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, s_.tls_verify ? 2L : 0L);
  }
  if (!s_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, s_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, s_.password.c_str());
  }
}

send_outcome smtp_client::check_login(std::int64_t timeout_ns) {
  handle probe;
  probe.curl = curl_easy_init();
  if (!probe.curl) throw std::runtime_error("sink.email: cannot start libcurl");
  configure(probe.curl, probe, std::min(timeout_ns, s_.timeout_ns));
  // Stops after the greeting, EHLO, STARTTLS and AUTH: no message.
  curl_easy_setopt(probe.curl, CURLOPT_CONNECT_ONLY, 1L);
  const CURLcode rc = curl_easy_perform(probe.curl);
  if (rc == CURLE_OK && !s_.user.empty() && !probe.said.offers_auth) {
    // libcurl goes on without a login when the server offers none.
    send_outcome out;
    out.what = send_outcome::kind::fatal;
    out.reason = url_ + ": the server offers no login (AUTH) on this connection"
                 + std::string(s_.tls == tls_mode::none
                                 ? "; many offer it only over TLS (tls: starttls or implicit)"
                                 : "");
    return out;
  }
  return outcome(rc, probe);
}

smtp_client::~smtp_client() = default;

send_outcome smtp_client::send(const std::string& from, const std::vector<std::string>& recipients,
                               const std::string& message) {
  CURL* c = h_->curl;
  const std::string mail_from = "<" + from + ">";
  std::unique_ptr<curl_slist, slist_deleter> rcpt;
  for (const auto& r : recipients) {
    curl_slist* next = curl_slist_append(rcpt.get(), ("<" + r + ">").c_str());
    if (!next) throw std::bad_alloc();
    rcpt.release();
    rcpt.reset(next);
  }
  upload u{&message, 0};
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READDATA, &u);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  h_->error[0] = '\0';
  h_->said.clear();
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(c, CURLOPT_READDATA, nullptr);

  return outcome(rc, *h_);
}

send_outcome smtp_client::outcome(int code, handle& h) const {
  const auto rc = static_cast<CURLcode>(code);
  send_outcome out;
  if (rc == CURLE_OK) return out;
  out.code = reply_code(h.said.telling());
  std::string what = h.error[0] ? h.error : curl_easy_strerror(rc);
  out.reason = url_ + ": " + what;
  if (!h.said.telling().empty() && what.find(h.said.telling()) == std::string::npos)
    out.reason += " (server: " + h.said.telling() + ")";
  using k = send_outcome::kind;
  switch (rc) {
    case CURLE_LOGIN_DENIED:
      out.what = k::fatal;
      out.reason = url_ + ": the server refused the login of user '" + s_.user + "'"
                   + (h.said.telling().empty() ? "" : " (server: " + h.said.telling() + ")");
      return out;
    case CURLE_USE_SSL_FAILED:
      out.what = k::fatal;
      out.reason = url_
                   + ": the server does not offer STARTTLS (tls: starttls); use tls "
                     "\"implicit\" for an SMTPS port, or \"none\"";
      return out;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      out.what = k::fatal;
      out.reason += " (see tls_ca, tls_verify)";
      return out;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: out.what = k::fatal; return out;
    default: break;
  }
  if (out.code == 530 || out.code == 534 || out.code == 535 || out.code == 538) {
    // Authentication required, or refused: no message can go.
    out.what = k::fatal;
    out.reason += s_.user.empty() ? "; the server wants a login (user, password)" : "";
  } else if (out.code >= 500) {
    out.what = k::refused;
  } else if (out.code >= 400) {
    out.what = k::transient;
  } else {
    out.what = k::transient; // no reply, or the connection went away mid-dialogue
    out.link_down = true;
  }
  return out;
}

} // namespace sluice::ops::email
