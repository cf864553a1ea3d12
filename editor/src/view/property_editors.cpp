#include "view/property_editors.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>

#include <climits>
#include <cmath>

#include "view/aggregates_edit.hpp"
#include "view/expression_edit.hpp"
#include "view/expression_map_edit.hpp"
#include "view/field_picker.hpp"
#include "view/json_edit.hpp"
#include "view/runtime_headers.hpp"

namespace sluice::editor::view {

namespace {

using nlohmann::json;

/// Optional params without a default can be "unset": absent from the file.
bool unsettable(const core::property_spec& spec) {
  return !spec.required && spec.default_value.is_null();
}

QString asText(const json& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return QString::fromStdString(v.get<std::string>());
  return QString::fromStdString(v.dump());
}

QWidget* integerEditor(const core::property_spec& spec, const json& value,
                       const PropertyContext& ctx, QWidget* parent) {
  auto* box = new QSpinBox(parent);
  int lo = spec.min ? int(std::max<double>(*spec.min, INT_MIN + 1)) : INT_MIN + 1;
  int hi = spec.max ? int(std::min<double>(*spec.max, INT_MAX)) : INT_MAX;
  const bool unset = unsettable(spec);
  if (unset) {
    lo -= 1; // the lowest value reads "unset" and removes the param
    box->setSpecialValueText(QObject::tr("(unset)"));
  }
  box->setRange(lo, hi);
  const json& shown = value.is_null() ? spec.default_value : value;
  box->setValue(shown.is_number() ? int(shown.get<double>()) : (unset ? lo : std::max(lo, 0)));
  box->setAccelerated(true);
  QObject::connect(box, &QSpinBox::valueChanged, box,
                   [ctx, unset, lo](int v) { ctx.commit(unset && v == lo ? json() : json(v)); });
  return box;
}

QWidget* numberEditor(const core::property_spec& spec, const json& value,
                      const PropertyContext& ctx, QWidget* parent) {
  auto* box = new QDoubleSpinBox(parent);
  double lo = spec.min ? *spec.min : -1e12;
  double hi = spec.max ? *spec.max : 1e12;
  const bool unset = unsettable(spec);
  if (unset) {
    lo -= 1;
    box->setSpecialValueText(QObject::tr("(unset)"));
  }
  box->setDecimals(hi - lo <= 2 ? 3 : 2);
  box->setRange(lo, hi);
  box->setSingleStep(hi - lo <= 2 ? 0.05 : 1);
  const json& shown = value.is_null() ? spec.default_value : value;
  box->setValue(shown.is_number() ? shown.get<double>() : (unset ? lo : std::max(lo, 0.0)));
  QObject::connect(box, &QDoubleSpinBox::valueChanged, box, [ctx, unset, lo](double v) {
    if (unset && v == lo) return ctx.commit(json());
    // Whole numbers stay integers in the file ("rate": 1000, not 1000.0).
    ctx.commit(std::floor(v) == v && std::abs(v) < 1e15 ? json(std::int64_t(v)) : json(v));
  });
  return box;
}

QWidget* choiceEditor(const core::property_spec& spec, const json& value,
                      const PropertyContext& ctx, QWidget* parent) {
  auto* box = new QComboBox(parent);
  if (unsettable(spec)) box->addItem(QObject::tr("(unset)"), QString());
  for (const std::string& c : spec.choices)
    box->addItem(QString::fromStdString(c), QString::fromStdString(c));
  const QString current = asText(value.is_null() ? spec.default_value : value);
  int index = box->findData(current);
  if (index < 0 && !current.isEmpty()) { // a value the spec does not list: show it
    box->addItem(current, current);
    index = box->count() - 1;
  }
  box->setCurrentIndex(std::max(index, 0));
  QObject::connect(box, &QComboBox::currentIndexChanged, box, [ctx, box](int i) {
    const QString v = box->itemData(i).toString();
    ctx.commit(v.isEmpty() ? json() : json(v.toStdString()));
  });
  return box;
}

/// A line edit checked by `valid` on every keystroke: red when invalid (and
/// not committed), committed as a string when valid, removed when empty.
QWidget* checkedTextEditor(const core::property_spec& spec, const json& value,
                           const PropertyContext& ctx, QWidget* parent,
                           std::function<bool(const QString&)> valid, const QString& hint) {
  auto* edit = new QLineEdit(asText(value), parent);
  edit->setPlaceholderText(spec.default_value.is_null() ? hint : asText(spec.default_value));
  const bool canBeEmpty = !spec.required;
  auto check = [edit, valid, hint, canBeEmpty, ctx](const QString& t, bool commit) {
    const bool empty = t.trimmed().isEmpty();
    const bool ok = empty ? canBeEmpty : valid(t.trimmed());
    markInvalid(edit, !ok, hint);
    if (ok && commit) ctx.commit(empty ? json() : json(t.trimmed().toStdString()));
  };
  check(edit->text(), false);
  QObject::connect(edit, &QLineEdit::textEdited, edit,
                   [check](const QString& t) { check(t, true); });
  return edit;
}

QWidget* pathEditor(const core::property_spec& /*spec*/, const json& value,
                    const PropertyContext& ctx, QWidget* parent) {
  auto* box = new QWidget(parent);
  auto* layout = new QHBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  auto* edit = new QLineEdit(asText(value), box);
  edit->setPlaceholderText(QObject::tr("file path"));
  auto* browse = new QToolButton(box);
  browse->setText("…");
  layout->addWidget(edit, 1);
  layout->addWidget(browse);
  auto commit = [ctx](const QString& t) {
    ctx.commit(t.isEmpty() ? json() : json(t.toStdString()));
  };
  QObject::connect(edit, &QLineEdit::textEdited, edit, commit);
  QObject::connect(browse, &QToolButton::clicked, box, [edit, commit, box] {
    const QString f =
      QFileDialog::getSaveFileName(box, QObject::tr("Choose a file"), edit->text(), QString(),
                                   nullptr, QFileDialog::DontConfirmOverwrite);
    if (f.isEmpty()) return;
    edit->setText(f);
    commit(f);
  });
  return box;
}

QWidget* stringEditor(const core::property_spec& spec, const json& value,
                      const PropertyContext& ctx, QWidget* parent) {
  const json defaultValue = spec.default_value;
  auto* edit = new QLineEdit(asText(value), parent);
  if (!defaultValue.is_null()) edit->setPlaceholderText(asText(defaultValue));
  QObject::connect(edit, &QLineEdit::textEdited, edit, [ctx, defaultValue](const QString& t) {
    ctx.commit(t.isEmpty() && defaultValue.is_null() ? json() : json(t.toStdString()));
  });
  return edit;
}

/// A password-style line: the value is never shown, nor a default.
QWidget* secretEditor(const core::property_spec& spec, const json& value,
                      const PropertyContext& ctx, QWidget* parent) {
  auto* edit = new QLineEdit(asText(value), parent);
  edit->setEchoMode(QLineEdit::Password);
  if (!spec.default_value.is_null()) edit->setPlaceholderText(QString(core::secret_mask));
  const bool emptyIsNull = !spec.required;
  QObject::connect(edit, &QLineEdit::textEdited, edit, [ctx, emptyIsNull](const QString& t) {
    ctx.commit(t.isEmpty() && emptyIsNull ? json() : json(t.toStdString()));
  });
  return edit;
}

/// One field of the input: an editable combo of the input's fields.
QWidget* fieldEditor(const core::property_spec& spec, const json& value, const PropertyContext& ctx,
                     QWidget* parent) {
  const json defaultValue = spec.default_value;
  auto* picker = new FieldPicker(ctx.fieldsFor(spec), asText(value), parent);
  if (value.is_null() && !defaultValue.is_null())
    picker->lineEdit()->setPlaceholderText(asText(defaultValue));
  QObject::connect(
    picker, &QComboBox::editTextChanged, picker, [ctx, defaultValue](const QString& t) {
      ctx.commit(t.isEmpty() && defaultValue.is_null() ? json() : json(t.toStdString()));
    });
  return picker;
}

/// A list of strings as "a, b, c"; a field_list also offers the input's
/// fields to tick, a plain string_list has no menu.
QWidget* stringListEditor(const core::property_spec& spec, const json& value,
                          const PropertyContext& ctx, QWidget* parent) {
  QStringList items;
  const json& shown = value.is_array() ? value : spec.default_value;
  if (shown.is_array())
    for (const auto& v : shown)
      items << (v.is_string() ? QString::fromStdString(v.get<std::string>())
                              : QString::fromStdString(v.dump()));
  const bool fields = spec.type == core::param_type::field_list;
  auto* edit = new FieldListEdit(fields ? ctx.fieldsFor(spec) : QStringList(), items, parent);
  if (!fields) {
    edit->pickButton()->hide();
    edit->lineEdit()->setPlaceholderText(QObject::tr("a, b, c"));
  }
  const bool emptyIsNull = spec.default_value.is_null() && !spec.required;
  QObject::connect(edit, &FieldListEdit::valuesChanged, edit,
                   [ctx, emptyIsNull](const QStringList& values) {
                     if (values.isEmpty() && emptyIsNull) return ctx.commit(json());
                     json list = json::array();
                     for (const QString& v : values) list.push_back(v.toStdString());
                     ctx.commit(list);
                   });
  return edit;
}

QWidget* expressionEditor(const core::property_spec& spec, const json& value,
                          const PropertyContext& ctx, QWidget* parent) {
  auto* edit = new ExpressionEdit(parent);
  edit->setText(asText(value));
  edit->setSchema(ctx.inputSchema);
  const std::string param = spec.name;
  // Without a local schema, show what the validator said about this param.
  auto external = [edit, ctx, param] {
    if (!ctx.model) return;
    for (const core::pipeline::diagnostic& d : ctx.model->problemsOf(ctx.nodeId))
      if (d.param == param) {
        edit->setExternalError(int(d.position), QString::fromStdString(d.message));
        return;
      }
    edit->setExternalError(0, {});
  };
  external();
  QObject::connect(edit, &ExpressionEdit::textEdited, edit, [ctx, external](const QString& t) {
    ctx.commit(t.trimmed().isEmpty() ? json() : json(t.toStdString()));
    external();
  });
  return edit;
}

QWidget* aggregatesEditor(const core::property_spec& spec, const json& value,
                          const PropertyContext& ctx, QWidget* parent) {
  auto* edit = new AggregatesEdit(value, ctx.fieldsFor(spec), parent);
  QObject::connect(edit, &AggregatesEdit::valueChanged, edit,
                   [ctx, edit] { ctx.commit(edit->value()); });
  return edit;
}

QWidget* jsonEditor(const json& value, const PropertyContext& ctx, QWidget* parent) {
  auto* edit = new JsonEdit(value, parent);
  QObject::connect(edit, &JsonEdit::valueChanged, edit, [ctx](const QString& t) {
    ctx.commit(t.trimmed().isEmpty() ? json() : json::parse(t.toStdString()));
  });
  return edit;
}

} // namespace

QWidget* createPropertyEditor(const core::property_spec& spec, const json& value,
                              const PropertyContext& ctx, QWidget* parent) {
  QWidget* w = nullptr;
  switch (spec.type) {
    case core::param_type::boolean: {
      auto* box = new QCheckBox(parent);
      const json& shown = value.is_null() ? spec.default_value : value;
      box->setChecked(shown.is_boolean() && shown.get<bool>());
      QObject::connect(box, &QCheckBox::toggled, box, [ctx](bool on) { ctx.commit(json(on)); });
      w = box;
      break;
    }
    case core::param_type::integer: w = integerEditor(spec, value, ctx, parent); break;
    case core::param_type::number: w = numberEditor(spec, value, ctx, parent); break;
    case core::param_type::choice: w = choiceEditor(spec, value, ctx, parent); break;
    case core::param_type::duration:
      w = checkedTextEditor(
        spec, value, ctx, parent,
        [](const QString& t) { return core::parse_duration(t.toStdString()).has_value(); },
        QObject::tr("a duration: 250us, 500ms, 10s, 5m, 2h, 1d"));
      break;
    case core::param_type::timestamp:
      w = checkedTextEditor(
        spec, value, ctx, parent,
        [](const QString& t) { return core::parse_iso8601(t.toStdString()).has_value(); },
        QObject::tr("an ISO-8601 time: 2026-01-01T00:00:00Z"));
      break;
    case core::param_type::expression: w = expressionEditor(spec, value, ctx, parent); break;
    case core::param_type::expression_map: {
      auto* edit = new ExpressionMapEdit(value, ctx.inputSchema, parent);
      QObject::connect(edit, &ExpressionMapEdit::valueChanged, edit,
                       [ctx, edit] { ctx.commit(edit->value()); });
      w = edit;
      break;
    }
    case core::param_type::string_list:
    case core::param_type::field_list: w = stringListEditor(spec, value, ctx, parent); break;
    case core::param_type::field: w = fieldEditor(spec, value, ctx, parent); break;
    case core::param_type::aggregate_list: w = aggregatesEditor(spec, value, ctx, parent); break;
    case core::param_type::secret: w = secretEditor(spec, value, ctx, parent); break;
    case core::param_type::path: w = pathEditor(spec, value, ctx, parent); break;
    case core::param_type::json: w = jsonEditor(value, ctx, parent); break;
    case core::param_type::string: w = stringEditor(spec, value, ctx, parent); break;
  }
  if (!w) w = stringEditor(spec, value, ctx, parent); // a type this editor does not know yet
  w->setObjectName("param:" + QString::fromStdString(spec.name));
  const QString help = QString::fromStdString(spec.help);
  w->setProperty("helpTip", help);
  if (w->toolTip().isEmpty()) w->setToolTip(help);
  return w;
}

} // namespace sluice::editor::view
