#include "sluice/core/batch.hpp"

namespace sluice::core {

batch_ptr batch::slice(std::size_t begin, std::size_t end) const {
  std::vector<column_ptr> cols;
  cols.reserve(columns_.size());
  for (const auto& c : columns_)
    cols.push_back(std::make_shared<const column>(core::slice(*c, begin, end)));
  return std::make_shared<const batch>(schema_, std::move(cols), end - begin);
}

batch_ptr batch::select(const std::vector<std::uint32_t>& rows) const {
  std::vector<column_ptr> cols;
  cols.reserve(columns_.size());
  for (const auto& c : columns_) cols.push_back(std::make_shared<const column>(gather(*c, rows)));
  return std::make_shared<const batch>(schema_, std::move(cols), rows.size());
}

batch_ptr concat(const std::vector<batch_ptr>& parts) {
  if (parts.size() == 1) return parts[0];
  const auto& first = *parts.front();
  std::vector<column_ptr> cols;
  std::size_t rows = 0;
  for (const auto& p : parts) rows += p->rows();
  for (std::size_t i = 0; i < first.num_columns(); ++i) {
    auto c = std::make_shared<column>(first.col(i).type());
    c->reserve(rows);
    for (const auto& p : parts) append_all(*c, p->col(i));
    cols.push_back(std::move(c));
  }
  return std::make_shared<const batch>(first.schema_of(), std::move(cols), rows);
}

batch_ptr concat(const std::vector<batch_rows>& parts) {
  if (parts.size() == 1 && parts[0].all) return parts[0].batch;
  const auto& first = *parts.front().batch;
  std::size_t rows = 0;
  for (const auto& p : parts) rows += p.size();
  std::vector<column_ptr> cols;
  for (std::size_t i = 0; i < first.num_columns(); ++i) {
    auto c = std::make_shared<column>(first.col(i).type());
    c->reserve(rows);
    for (const auto& p : parts) {
      if (p.all) append_all(*c, p.batch->col(i));
      else append_rows(*c, p.batch->col(i), p.rows);
    }
    cols.push_back(std::move(c));
  }
  return std::make_shared<const batch>(first.schema_of(), std::move(cols), rows);
}

batch_builder::batch_builder(schema_ptr s, std::size_t expected_rows) : schema_(std::move(s)) {
  for (const auto& f : schema_->fields()) {
    columns_.push_back(std::make_shared<column>(f.type));
    if (expected_rows) columns_.back()->reserve(expected_rows);
  }
}

batch_ptr batch_builder::finish() {
  std::size_t n = rows();
  std::vector<column_ptr> cols(columns_.begin(), columns_.end());
  auto out = std::make_shared<const batch>(schema_, std::move(cols), n);
  for (auto& c : columns_) c = std::make_shared<column>(c->type());
  rows_ = 0;
  return out;
}

} // namespace sluice::core
