#pragma once

// The target table of sink.postgres: created from the input schema when
// absent (with a primary key on `key` for upsert), else checked to have a
// column of the right type for every input field (and, for upsert, a
// unique index on exactly the key columns); and the bookkeeping table
// `_sluice_commits` that records each instance's last committed checkpoint.

#include <string>
#include <vector>

#include <libpq-fe.h>

#include "sluice/core/schema.hpp"

namespace sluice::ops::postgres {

inline constexpr const char* commits_table = "_sluice_commits";

/// Creates or checks `table` and creates `_sluice_commits` if absent, in
/// one transaction under an advisory lock (parallel instances race for the
/// creation otherwise). Throws `outage`, or std::runtime_error naming the
/// table and what differs ("a table of another shape").
void prepare_tables(PGconn* c, const std::string& table, const core::schema& input,
                    const std::vector<std::string>& key);

} // namespace sluice::ops::postgres
