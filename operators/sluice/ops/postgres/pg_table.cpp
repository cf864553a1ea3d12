#include "sluice/ops/postgres/pg_table.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "sluice/ops/postgres/pg_client.hpp"

namespace sluice::ops::postgres {

namespace {

std::string create_sql(const std::string& table, const core::schema& input,
                       const std::vector<std::string>& key) {
  std::ostringstream sql;
  sql << "CREATE TABLE " << quote_table(table) << " (";
  for (std::size_t i = 0; i < input.size(); ++i)
    sql << (i ? ", " : "") << quote_ident(input.at(i).name) << " " << sql_type(input.at(i).type);
  if (!key.empty()) {
    sql << ", PRIMARY KEY (";
    for (std::size_t i = 0; i < key.size(); ++i) sql << (i ? ", " : "") << quote_ident(key[i]);
    sql << ")";
  }
  sql << ")";
  return sql.str();
}

void check_shape(PGconn* c, const std::string& table, const core::schema& input,
                 const std::vector<std::string>& key) {
  const std::string name = quote_table(table);
  auto cols = exec_params(c,
                          "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                          "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
                          {name}, "read the columns of table '" + table + "'");
  std::map<std::string, std::string> types;
  for (int r = 0; r < PQntuples(cols.get()); ++r)
    types[PQgetvalue(cols.get(), r, 0)] = PQgetvalue(cols.get(), r, 1);
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto& f = input.at(i);
    auto it = types.find(f.name);
    if (it == types.end())
      throw std::runtime_error("postgres: table '" + table
                               + "' exists with another shape: it has no column '" + f.name
                               + "' for the input's field (input: " + input.to_string() + ")");
    if (!type_matches(f.type, it->second))
      throw std::runtime_error("postgres: table '" + table + "' exists with another shape: column '"
                               + f.name + "' is " + it->second + ", the input's field needs "
                               + sql_type(f.type));
  }
  if (key.empty()) return;
  auto indexes = exec_params(c,
                             "SELECT string_agg(a.attname, ',' ORDER BY a.attname) FROM pg_index i "
                             "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = "
                             "ANY(i.indkey) WHERE i.indrelid = to_regclass($1) AND i.indisunique "
                             "GROUP BY i.indexrelid",
                             {name}, "read the indexes of table '" + table + "'");
  auto sorted = key;
  std::sort(sorted.begin(), sorted.end());
  std::string want;
  for (const auto& k : sorted) want += (want.empty() ? "" : ",") + k;
  for (int r = 0; r < PQntuples(indexes.get()); ++r)
    if (want == PQgetvalue(indexes.get(), r, 0)) return;
  throw std::runtime_error("postgres: table '" + table
                           + "' exists with another shape: upsert needs a primary key or unique "
                             "index on exactly ("
                           + want + ")");
}

} // namespace

void prepare_tables(PGconn* c, const std::string& table, const core::schema& input,
                    const std::vector<std::string>& key) {
  exec(c, "BEGIN", "begin a transaction");
  try {
    // One lock for every sink: they may create _sluice_commits at once.
    exec(c, "SELECT pg_advisory_xact_lock(hashtext('sluice:tables'))", "take the creation lock");
    auto found = exec_params(c, "SELECT to_regclass($1) IS NOT NULL", {quote_table(table)},
                             "look up table '" + table + "'");
    if (std::string(PQgetvalue(found.get(), 0, 0)) == "t") check_shape(c, table, input, key);
    else exec(c, create_sql(table, input, key), "create table '" + table + "'");
    exec(c,
         std::string("CREATE TABLE IF NOT EXISTS ") + commits_table
           + " (node text NOT NULL, instance integer NOT NULL, checkpoint bigint NOT NULL, "
             "ended boolean NOT NULL DEFAULT false, PRIMARY KEY (node, instance))",
         "create the bookkeeping table _sluice_commits");
    exec(c, "COMMIT", "commit the table creation");
  } catch (...) {
    if (PQstatus(c) == CONNECTION_OK) PQclear(PQexec(c, "ROLLBACK"));
    throw;
  }
}

} // namespace sluice::ops::postgres
