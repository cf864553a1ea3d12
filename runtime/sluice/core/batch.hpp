#pragma once

#include <memory>
#include <vector>

#include "sluice/core/column.hpp"
#include "sluice/core/schema.hpp"

namespace sluice::core {

/// The unit that crosses actors: an immutable block of records in columnar
/// form. Columns are shared pointers, so an operator that adds a field shares
/// every other column with its input instead of copying it. Held by
/// `batch_ptr` (shared, const) so fan-out shares one batch.
class batch {
public:
  /// `columns` must match `s` in count and types and all have `rows` rows.
  batch(schema_ptr s, std::vector<column_ptr> columns, std::size_t rows)
    : schema_(std::move(s)), columns_(std::move(columns)), rows_(rows) {}

  const schema_ptr& schema_of() const { return schema_; }
  const class schema& fields() const { return *schema_; }
  std::size_t rows() const { return rows_; }
  std::size_t num_columns() const { return columns_.size(); }
  const column& col(std::size_t i) const { return *columns_[i]; }
  const column_ptr& col_ptr(std::size_t i) const { return columns_[i]; }
  const std::vector<column_ptr>& columns() const { return columns_; }

  /// Rows [begin, end) as a new batch.
  std::shared_ptr<const batch> slice(std::size_t begin, std::size_t end) const;
  /// Rows listed in `rows`, in order, as a new batch.
  std::shared_ptr<const batch> select(const std::vector<std::uint32_t>& rows) const;

private:
  schema_ptr schema_;
  std::vector<column_ptr> columns_;
  std::size_t rows_;
};

using batch_ptr = std::shared_ptr<const batch>;

/// Concatenates batches of one schema (at least one).
batch_ptr concat(const std::vector<batch_ptr>& parts);

/// Some rows of a batch: all of them, or those listed in `rows`, in order.
struct batch_rows {
  batch_ptr batch;
  std::vector<std::uint32_t> rows;
  bool all = true;
  std::size_t size() const { return all ? batch->rows() : rows.size(); }
};

/// The parts, one after another, in one new batch: every row is copied
/// once (a single whole part is returned as it is). One schema, at least one
/// part.
batch_ptr concat(const std::vector<batch_rows>& parts);

/// Builds a batch column by column, or row by row with `column_at`.
class batch_builder {
public:
  explicit batch_builder(schema_ptr s, std::size_t expected_rows = 0);

  column& column_at(std::size_t i) { return *columns_[i]; }
  std::size_t rows() const { return columns_.empty() ? rows_ : columns_[0]->size(); }
  /// For batches without columns (an empty schema): counts rows by hand.
  void add_empty_row() { ++rows_; }

  /// Hands the columns over as a batch and leaves the builder empty.
  batch_ptr finish();

private:
  schema_ptr schema_;
  std::vector<std::shared_ptr<column>> columns_;
  std::size_t rows_ = 0;
};

} // namespace sluice::core
