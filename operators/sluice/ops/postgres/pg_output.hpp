#pragma once

// Decoding what logical replication sends with the pgoutput plugin
// (protocol version 1): the CopyBoth stream's messages ('w' XLogData, 'k'
// keepalive) and, inside XLogData, pgoutput's messages (Begin, Commit,
// Relation, Insert, Update, Delete; others are skipped). Values come as
// text. Also the standby status update ('r') a client sends back.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::ops::postgres {

/// "16/B374D848", PostgreSQL's text for an LSN.
std::string lsn_text(std::uint64_t lsn);

/// A big-endian reader over one message; throws std::runtime_error when
/// the message is shorter than what it says it holds.
class wire_reader {
public:
  explicit wire_reader(std::string_view data) : data_(data) {}
  std::uint8_t u8();
  std::uint16_t u16();
  std::uint32_t u32();
  std::uint64_t u64();
  std::string_view cstr(); ///< up to a NUL, which is skipped
  std::string_view bytes(std::size_t n);
  bool done() const { return pos_ >= data_.size(); }

private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

/// One row's values as pgoutput sends them (text), per column of its relation.
struct tuple_values {
  std::vector<std::optional<std::string_view>> values; ///< nullopt: null or unchanged TOAST
};

struct relation_info {
  std::string name;                 ///< "table", or "schema.table" outside public
  std::vector<std::string> columns; ///< in the relation's order
};

/// One decoded pgoutput message.
struct change {
  enum class kind { begin, commit, relation, insert, update, del, other };
  kind what = kind::other;
  std::uint32_t relation = 0; ///< insert, update, delete, relation
  std::uint64_t end_lsn = 0;  ///< commit: the end of the transaction; begin: its commit's LSN
  tuple_values row;           ///< insert, update: the new row; delete: the old (key) row
};

/// Decodes pgoutput message `data` (the payload of an XLogData), keeping
/// the relations it describes in `relations`.
change decode_pgoutput(std::string_view data,
                       std::unordered_map<std::uint32_t, relation_info>& relations);

/// The standby status update: written up to `received`, flushed and
/// applied up to `confirmed` (0: not saying); `reply` asks the server to
/// answer at once.
std::string status_update(std::uint64_t received, std::uint64_t confirmed, bool reply = false);

} // namespace sluice::ops::postgres
