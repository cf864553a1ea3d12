#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

#include "model/core_headers.hpp"
#include "sluice/checkpoint/resume_plan.hpp"

namespace sluice::editor::model {
class PipelineModel;
}

namespace sluice::editor::run {

/// What a node's state would be if Run resumed the open pipeline from its
/// checkpoint directory (the badge on the canvas).
enum class ResumeBadge {
  None,      ///< nothing to resume from (or the node is unknown)
  StateKept, ///< restored
  New,       ///< the checkpoint holds nothing for this id
  WillReset, ///< incompatible: a resume starts it without its state
};

/// "state kept", "new", "will be reset" ("" for None).
QString badgeText(ResumeBadge badge);

/// How Run starts a pipeline that has a checkpoint to resume from.
enum class ResumeChoice { Resume, Fresh };

/// The resume report of `sluice validate --checkpoint-dir`, for the open
/// pipeline, kept current: when the document has `checkpoint.dir` and that
/// directory holds a complete checkpoint a restart would use
/// (checkpoint::resume_point: the newest, unless the run there finished),
/// the plan says per node whether its state is kept, it is new, or it will
/// be reset (incompatible edits), and which nodes were removed.
///
/// The directory is read when a document is opened, when its
/// `checkpoint.dir` changes, and on refresh() (Run calls it before asking,
/// and after a run ends); every other edit only re-plans against the
/// checkpoint already read (no I/O). The directory is taken as written,
/// relative to the working directory, as the editor's runs take every path.
/// Emits changed() after each re-plan.
class ResumeCheck : public QObject {
  Q_OBJECT

public:
  explicit ResumeCheck(const model::PipelineModel& model, QObject* parent = nullptr);
  ~ResumeCheck() override;

  /// Reads the checkpoint directory again, then re-plans.
  void refresh();

  /// The pipeline has `checkpoint.dir` (its runs take checkpoints).
  bool hasCheckpointDir() const;
  /// There is a checkpoint to resume from, and a plan against it.
  bool canResume() const;
  /// The checkpoint a resume would use (only when canResume()).
  quint64 checkpointId() const;
  /// "checkpoint 3 (taken 2025-12-07 14:11:17 UTC, 1.2 KiB)", or "".
  QString checkpointText() const;
  /// The plan (only when canResume()).
  const checkpoint::resume_plan* plan() const;

  ResumeBadge badge(const QString& id) const;
  /// Why a node will be reset ("param 'k' changed from 5 to 10"), or "".
  QString reasons(const QString& id) const;
  /// Nodes the checkpoint holds state for that the pipeline no longer has.
  QStringList removedNodes() const;
  /// Incompatible nodes: a resume resets them (after the Run dialog said so).
  QStringList resetNodes() const;

  /// One line for the status bar: the checkpoint and how many nodes keep,
  /// start or lose state, the removed nodes; or why there is nothing to
  /// resume ("no complete checkpoint in DIR yet", "the run in DIR finished",
  /// a damaged directory). "" without `checkpoint.dir`.
  QString summary() const;
  /// What the Run dialog says of the two choices, incompatible and removed
  /// nodes by name.
  QString choiceText() const;

  /// The checkpoints a run of the pipeline takes: none without
  /// `checkpoint.dir`; the directory and interval of the document, and for
  /// Resume (when canResume()) the checkpoint to resume from with every
  /// incompatible node in reset_state. Fresh resumes nothing.
  std::optional<exec::checkpoint_settings> settings(ResumeChoice choice) const;

signals:
  void changed();

private:
  struct Impl;
  std::unique_ptr<Impl> d;

  void replan();
};

} // namespace sluice::editor::run
