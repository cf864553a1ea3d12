#include "sluice/ops/email/message.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace sluice::ops::email {

namespace {

constexpr std::size_t max_line = 998;          // RFC 5322 §2.1.1, without the CRLF
constexpr std::size_t max_plain_header = 900;  // longer header text is folded as encoded words
constexpr std::size_t encoded_word_bytes = 45; // 60 base64 characters: words of at most 75

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

void refuse_controls(const std::string& text, const std::string& what) {
  for (unsigned char c : text) {
    if (c == '\r' || c == '\n')
      throw header_error(what + " holds a line break (it could add a header): refused");
    if (is_control(c) && c != '\t')
      throw header_error(what + " holds a control character: refused");
  }
}

bool printable_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 0x20 && c < 0x7f);
  });
}

void check_address(const std::string& a, const std::string& what) {
  const auto at = a.find('@');
  if (a.empty()) throw header_error(what + ": an empty address");
  if (at == std::string::npos || at == 0 || at + 1 == a.size()
      || a.find('@', at + 1) != std::string::npos)
    throw header_error(what + ": '" + a + "' is not an address (local@domain)");
  for (unsigned char c : a) {
    if (c == '\r' || c == '\n')
      throw header_error(what + " holds a line break (it could add a header): refused");
    if (c <= 0x20 || c >= 0x7f
        || std::string("<>()[],;:\\\"").find(static_cast<char>(c)) != std::string::npos)
      throw header_error(what + ": '" + a + "' holds a character an address may not hold");
  }
}

const char* const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(const std::string& in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16)
                       | (static_cast<unsigned char>(in[i + 1]) << 8)
                       | static_cast<unsigned char>(in[i + 2]);
    out += b64[(v >> 18) & 63];
    out += b64[(v >> 12) & 63];
    out += b64[(v >> 6) & 63];
    out += b64[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += b64[(v >> 18) & 63];
    out += b64[(v >> 12) & 63];
    out += i + 1 < in.size() ? b64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

/// Encoded words of at most `encoded_word_bytes` bytes each, never cutting
/// a UTF-8 sequence, folded onto continuation lines.
std::string encoded_words(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = std::min(text.size(), i + encoded_word_bytes);
    while (end < text.size() && end > i + 1
           && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80)
      --end; // a continuation byte: cut before its sequence
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string display_text(const std::string& name) {
  if (printable_ascii(name) && name.size() <= max_plain_header) {
    std::string q = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  }
  return encoded_words(name);
}

std::string mailbox_text(const mailbox& m) {
  if (m.display.empty()) return m.address;
  return display_text(m.display) + " <" + m.address + ">";
}

/// Line ends to CRLF, and whether a line is longer than SMTP allows or a
/// byte is not ASCII.
std::string crlf_lines(const std::string& body, bool& long_line, bool& eight_bit) {
  std::string out;
  out.reserve(body.size() + body.size() / 32 + 2);
  std::size_t line = 0;
  long_line = eight_bit = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ++i;
      out += "\r\n";
      line = 0;
      continue;
    }
    if (static_cast<unsigned char>(c) >= 0x80) eight_bit = true;
    if (++line > max_line) long_line = true;
    out += c;
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

/// Quoted-printable (RFC 2045 §6.7) of CRLF-ended text.
std::string quoted_printable(const std::string& text) {
  static const char* const hex = "0123456789ABCDEF";
  std::string out;
  std::size_t col = 0;
  auto put = [&](const std::string& piece) {
    if (col + piece.size() > 75) {
      out += "=\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      out += "\r\n";
      col = 0;
      ++i;
      continue;
    }
    const bool at_line_end = i + 1 >= text.size() || text[i + 1] == '\r';
    const bool plain =
      (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (plain) put(std::string(1, static_cast<char>(c)));
    else put(std::string{'=', hex[c >> 4], hex[c & 15]});
  }
  return out;
}

} // namespace

mailbox parse_mailbox(const std::string& text, const std::string& what) {
  refuse_controls(text, what);
  const std::string t = trim(text);
  mailbox m;
  const auto open = t.find('<');
  if (open == std::string::npos) {
    m.address = t;
  } else {
    if (t.back() != '>' || t.find('>') != t.size() - 1)
      throw header_error(what + ": '" + t + "' is not an address (Name <local@domain>)");
    m.address = trim(t.substr(open + 1, t.size() - open - 2));
    m.display = trim(t.substr(0, open));
    if (m.display.size() >= 2 && m.display.front() == '"' && m.display.back() == '"')
      m.display = m.display.substr(1, m.display.size() - 2);
  }
  check_address(m.address, what);
  return m;
}

std::vector<mailbox> parse_mailbox_list(const std::string& text, const std::string& what) {
  std::vector<mailbox> out;
  std::size_t from = 0;
  for (;;) {
    const auto comma = text.find(',', from);
    const std::string item =
      trim(text.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (!item.empty()) out.push_back(parse_mailbox(item, what));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  if (out.empty()) throw header_error(what + " names no address");
  return out;
}

std::string encode_header_text(const std::string& text, const std::string& what) {
  refuse_controls(text, what);
  if (printable_ascii(text) && text.size() <= max_plain_header) return text;
  return encoded_words(text);
}

std::string rfc5322_date(std::int64_t unix_ns) {
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs = static_cast<std::time_t>(unix_ns / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string build_message(const message_parts& m) {
  std::string to;
  for (const auto& r : m.to) {
    if (!to.empty()) to += ",\r\n ";
    to += mailbox_text(r);
  }
  bool long_line = false, eight_bit = false;
  std::string body = crlf_lines(m.body, long_line, eight_bit);
  const char* encoding = "7bit";
  if (long_line) {
    body = quoted_printable(body);
    encoding = "quoted-printable";
  } else if (eight_bit) {
    encoding = "8bit";
  }
  std::string out;
  out.reserve(body.size() + 512);
  out += "Date: " + rfc5322_date(m.date_unix_ns) + "\r\n";
  out += "Message-ID: <" + m.message_id + ">\r\n";
  out += "From: " + mailbox_text(m.from) + "\r\n";
  out += "To: " + to + "\r\n";
  out += "Subject: " + encode_header_text(m.subject, "subject") + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += std::string("Content-Transfer-Encoding: ") + encoding + "\r\n";
  out += "\r\n";
  out += body;
  return out;
}

} // namespace sluice::ops::email
