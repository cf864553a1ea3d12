#include "run/resume_check.hpp"

#include <filesystem>

#include "model/pipeline_model.hpp"
#include "sluice/checkpoint/size_text.hpp"

namespace sluice::editor::run {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

} // namespace

QString badgeText(ResumeBadge badge) {
  switch (badge) {
    case ResumeBadge::StateKept: return ResumeCheck::tr("state kept");
    case ResumeBadge::New: return ResumeCheck::tr("new");
    case ResumeBadge::WillReset: return ResumeCheck::tr("will be reset");
    case ResumeBadge::None: break;
  }
  return {};
}

struct ResumeCheck::Impl {
  const model::PipelineModel& model;
  std::string dir;    ///< the checkpoint.dir the checkpoint below was read from
  bool reread = true; ///< read the directory at the next re-plan
  QString note;       ///< why there is nothing to resume ("" if there is)
  std::optional<checkpoint::checkpoint_info> checkpoint;
  std::optional<checkpoint::resume_plan> plan;

  explicit Impl(const model::PipelineModel& m) : model(m) {}

  void read() {
    reread = false;
    dir = model.document().checkpoint.dir;
    checkpoint.reset();
    note.clear();
    if (dir.empty()) return;
    const QString where = qs(dir);
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
      note = tr("no checkpoint in %1 yet").arg(where);
      return;
    }
    try {
      checkpoint::store s(dir, false);
      if (auto f = s.finished()) {
        note = tr("the run in %1 finished (after checkpoint %2): Run starts fresh")
                 .arg(where)
                 .arg(f->second);
        return;
      }
      checkpoint = s.latest();
      if (!checkpoint) note = tr("no complete checkpoint in %1 yet").arg(where);
    } catch (const checkpoint::store_error& e) {
      note = tr("cannot read the checkpoints: %1").arg(QString::fromUtf8(e.what()));
    }
  }
};

ResumeCheck::ResumeCheck(const model::PipelineModel& model, QObject* parent)
  : QObject(parent), d(std::make_unique<Impl>(model)) {
  // A new document: read its directory. Every re-check (each edit, and a
  // load, after documentReset) re-plans.
  QObject::connect(&model, &model::PipelineModel::documentReset, this,
                   [this] { d->reread = true; });
  QObject::connect(&model, &model::PipelineModel::problemsChanged, this, [this] { replan(); });
  replan();
}

ResumeCheck::~ResumeCheck() = default;

void ResumeCheck::refresh() {
  d->reread = true;
  replan();
}

void ResumeCheck::replan() {
  if (d->reread || d->dir != d->model.document().checkpoint.dir) d->read();
  d->plan.reset();
  if (d->checkpoint) {
    try {
      d->plan = checkpoint::plan_resume(*d->checkpoint, d->model.checked(), {});
    } catch (const checkpoint::resume_error& e) {
      d->note = tr("cannot resume: %1").arg(QString::fromUtf8(e.what()));
    }
  }
  Q_EMIT changed();
}

bool ResumeCheck::hasCheckpointDir() const { return !d->model.document().checkpoint.dir.empty(); }
bool ResumeCheck::canResume() const { return d->plan.has_value(); }
quint64 ResumeCheck::checkpointId() const { return d->plan ? d->checkpoint->id : 0; }
const checkpoint::resume_plan* ResumeCheck::plan() const { return d->plan ? &*d->plan : nullptr; }

QString ResumeCheck::checkpointText() const {
  if (!d->plan) return {};
  const auto& c = *d->checkpoint;
  return tr("checkpoint %1 (taken %2, %3%4)")
    .arg(c.id)
    .arg(qs(checkpoint::format_wall_time(c.taken_ms)), qs(checkpoint::format_size(c.bytes())),
         c.savepoint ? tr(", savepoint") : QString());
}

ResumeBadge ResumeCheck::badge(const QString& id) const {
  if (!d->plan) return ResumeBadge::None;
  const auto* n = d->plan->find(id.toStdString());
  if (!n) return ResumeBadge::None;
  switch (n->fate) {
    case checkpoint::node_fate::restored: return ResumeBadge::StateKept;
    case checkpoint::node_fate::added: return ResumeBadge::New;
    case checkpoint::node_fate::incompatible:
    case checkpoint::node_fate::reset: return ResumeBadge::WillReset;
    case checkpoint::node_fate::removed: break;
  }
  return ResumeBadge::None;
}

QString ResumeCheck::reasons(const QString& id) const {
  if (!d->plan) return {};
  const auto* n = d->plan->find(id.toStdString());
  if (!n) return {};
  QStringList out;
  for (const auto& r : n->reasons) out << qs(r);
  return out.join("; ");
}

QStringList ResumeCheck::removedNodes() const {
  QStringList out;
  if (d->plan)
    for (const auto& n : d->plan->nodes)
      if (n.fate == checkpoint::node_fate::removed) out << qs(n.id);
  return out;
}

QStringList ResumeCheck::resetNodes() const {
  QStringList out;
  if (d->plan)
    for (const auto& n : d->plan->nodes)
      if (n.incompatible()) out << qs(n.id);
  return out;
}

QString ResumeCheck::summary() const {
  if (!hasCheckpointDir()) return {};
  if (!d->plan) return d->note;
  int kept = 0, fresh = 0;
  for (const auto& n : d->plan->nodes) {
    kept += n.fate == checkpoint::node_fate::restored ? 1 : 0;
    fresh += n.fate == checkpoint::node_fate::added ? 1 : 0;
  }
  QStringList parts{tr("resume from checkpoint %1").arg(d->checkpoint->id),
                    kept == 1 ? tr("1 keeps state") : tr("%1 keep state").arg(kept),
                    tr("%1 new").arg(fresh)};
  const QStringList reset = resetNodes(), removed = removedNodes();
  if (!reset.isEmpty()) parts << tr("will be reset: %1").arg(reset.join(", "));
  if (!removed.isEmpty()) parts << tr("removed (state dropped): %1").arg(removed.join(", "));
  return parts.join(" · ");
}

QString ResumeCheck::choiceText() const {
  if (!d->plan) return {};
  QString text = tr("%1 holds %2.").arg(qs(d->dir), checkpointText());
  int kept = 0, fresh = 0;
  for (const auto& n : d->plan->nodes) {
    kept += n.fate == checkpoint::node_fate::restored ? 1 : 0;
    fresh += n.fate == checkpoint::node_fate::added ? 1 : 0;
  }
  text += "\n\n"
          + (kept == 1 ? tr("Resume: 1 node gets its state back")
                       : tr("Resume: %1 nodes get their state back").arg(kept));
  if (fresh)
    text +=
      fresh == 1 ? tr("; 1 new node starts empty") : tr("; %1 new nodes start empty").arg(fresh);
  text += ".";
  const QStringList reset = resetNodes();
  if (!reset.isEmpty()) {
    text += "\n"
            + tr("These nodes changed in a way their state cannot follow; resuming starts "
                 "them without it:");
    for (const QString& id : reset) text += "\n  • " + id + ": " + reasons(id);
  }
  const QStringList removed = removedNodes();
  if (!removed.isEmpty())
    text += "\n" + tr("The state of removed nodes is dropped: %1.").arg(removed.join(", "));
  text += "\n\n" + tr("Start fresh: every node starts empty, from the beginning of its input.");
  return text;
}

std::optional<exec::checkpoint_settings> ResumeCheck::settings(ResumeChoice choice) const {
  const auto& spec = d->model.document().checkpoint;
  if (spec.dir.empty()) return std::nullopt;
  exec::checkpoint_settings s;
  s.dir = spec.dir;
  if (spec.interval_us > 0)
    s.interval = std::chrono::milliseconds(std::max<std::int64_t>(spec.interval_us / 1000, 1));
  if (choice == ResumeChoice::Resume && d->plan) {
    s.resume_from = d->checkpoint->id;
    for (const auto& n : d->plan->nodes)
      if (n.incompatible()) s.reset_state.insert(n.id);
  }
  return s;
}

} // namespace sluice::editor::run
