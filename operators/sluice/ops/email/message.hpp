#pragma once

// One e-mail message as sink.email sends it (RFC 5322 + MIME): the
// addresses it goes to, and its text with Date, Message-ID, From, To,
// Subject, MIME-Version and a text/plain; charset=utf-8 body.
//
// Header values come from records (templates), so nothing here lets a
// record add a header: a line break (CR or LF) or another control
// character in an address or the subject is refused (header_error), never
// passed on. A non-ASCII subject or display name is written as RFC 2047
// encoded words. The body's line ends become CRLF; a body with a line
// longer than SMTP allows (998 bytes) is sent quoted-printable. Leading
// dots are left as they are: the SMTP client stuffs them.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::ops::email {

/// A header value that cannot be sent as it is (a line break, a bad address).
class header_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// One mailbox: `Display Name <addr@host>` or a bare `addr@host`.
struct mailbox {
  std::string display; ///< may be empty
  std::string address; ///< addr@host, checked
};

/// Parses one mailbox. Throws header_error naming `what` ("to", "from").
mailbox parse_mailbox(const std::string& text, const std::string& what);
/// Parses a comma-separated list of mailboxes (empty items are skipped;
/// no item at all is an error). Display names may not hold commas.
std::vector<mailbox> parse_mailbox_list(const std::string& text, const std::string& what);

/// `text` as a header value: as it is if it is printable ASCII, else as
/// RFC 2047 encoded words (UTF-8, base64), folded. Throws header_error
/// for CR, LF or another control character.
std::string encode_header_text(const std::string& text, const std::string& what);

/// The Date header's value for `unix_ns` (UTC), e.g. "Tue, 08 Dec 2026 00:12:46 +0000".
std::string rfc5322_date(std::int64_t unix_ns);

struct message_parts {
  mailbox from;
  std::vector<mailbox> to;
  std::string subject;    ///< raw text (encoded here)
  std::string body;       ///< raw text, any line ends
  std::string message_id; ///< without angle brackets: "<unique>@<domain>"
  std::int64_t date_unix_ns = 0;
};

/// The full message text, CRLF line ends. Throws header_error.
std::string build_message(const message_parts& m);

} // namespace sluice::ops::email
