#pragma once

// Answers the modal dialogs an action opens (message boxes, file dialogs),
// in order, from a timer: the real QMessageBox / QFileDialog run their own
// event loop, and this answers from inside it.

#include <QApplication>
#include <QFileDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTimer>

#include <functional>
#include <vector>

namespace sluice::test {

class ModalAnswers {
public:
  /// Each step gets the modal dialog that is up and must close it.
  using Step = std::function<void(QWidget*)>;

  explicit ModalAnswers(std::vector<Step> steps) : steps_(std::move(steps)) {
    // Qt's own file dialog, whatever the platform theme offers: a native
    // one is no widget this can fill in.
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    timer_.setInterval(10);
    QObject::connect(&timer_, &QTimer::timeout, [this] { poll(); });
    timer_.start();
  }

  /// Clicks `button` on a message box; its text goes to `*text`.
  static Step click(QMessageBox::StandardButton button, QString* text = nullptr) {
    return [button, text](QWidget* w) {
      auto* box = qobject_cast<QMessageBox*>(w);
      if (!box) {
        w->close();
        return;
      }
      if (text) *text = box->text();
      if (QAbstractButton* b = box->button(button)) b->click();
      else box->close();
    };
  }

  /// Picks `path` in a file dialog and accepts it.
  static Step chooseFile(const QString& path) {
    return [path](QWidget* w) {
      auto* dialog = qobject_cast<QFileDialog*>(w);
      if (!dialog) {
        w->close();
        return;
      }
      dialog->selectFile(path);
      // selectFile leaves the file name field alone while it has the
      // keyboard focus (which it may have by now): type the path instead.
      if (auto* name = dialog->findChild<QLineEdit*>("fileNameEdit")) name->setText(path);
      QMetaObject::invokeMethod(dialog, "accept"); // protected in QFileDialog
    };
  }

  /// Dialogs answered so far.
  std::size_t answered() const { return next_; }

private:
  void poll() {
    QWidget* w = QApplication::activeModalWidget();
    if (!w || !w->isVisible() || next_ >= steps_.size()) return;
    // A dialog that was answered can stay the active modal widget for a few
    // events while it closes (hidden, not yet deleted); the next step is for
    // the next dialog. last_ turns null when the answered one is deleted.
    if (w == last_) return;
    last_ = w;
    steps_[next_++](w);
  }

  std::vector<Step> steps_;
  std::size_t next_ = 0;
  QPointer<QWidget> last_;
  QTimer timer_;
};

} // namespace sluice::test
