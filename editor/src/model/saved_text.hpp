#pragma once

#include <string>

#include "model/core_headers.hpp"

namespace sluice::editor::model {

/// The text to write for `doc`, given the text it was loaded from and the
/// document that text parsed to. A file saved unchanged keeps its bytes
/// (hand-written files too, whose spacing and key order `dump` would
/// change); when only `layout` changed, only the layout object is
/// rewritten in place (or appended); anything else gives `doc.dump()`.
std::string textToSave(const core::pipeline::pipeline_document& doc, const std::string& loadedText,
                       const core::pipeline::pipeline_document& loaded);

/// The document's meaning: its dump without `layout`. Equal meanings mean
/// the same pipeline, whatever the positions.
std::string meaningOf(const core::pipeline::pipeline_document& doc);

} // namespace sluice::editor::model
