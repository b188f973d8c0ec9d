// Sessions: save and reopen (same state, paths relative to the file, the
// checkpoint beside it), a corrupt file (clear error, nothing lost), the
// classroom session shipped in the program, and the crash-recovery copy.
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "app/studio/demo.h"
#include "app/studio/core_facade.h"
#include "app/studio/dataset_controller.h"
#include "app/studio/evaluation_controller.h"
#include "app/studio/main_window.h"
#include "app/studio/session_document.h"
#include "app/studio/studio_controller.h"
#include "app/studio/training_controller.h"
#include "gui_test_support.h"
#include "views/dataset_panel.h"
#include "views/error_banner.h"
#include "views/evaluation_panel.h"
#include "views/comparison_table_model.h"
#include "views/model_panel.h"
#include "views/param_form.h"
#include "views/start_page.h"
#include "views/training_panel.h"

using namespace recdiff;

class SessionTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

  std::unique_ptr<studio::MainWindow> makeWindow() {
    studio::MainWindow::Options options;
    options.restoreLayout = false;
    options.recoveryFile = dir_.filePath("recovery.rdsession");
    auto w = std::make_unique<studio::MainWindow>(options);
    w->setQuietClose(true);
    w->resize(1400, 900);
    w->show();
    return w;
  }

  static QByteArray readAll(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll();
  }

 private Q_SLOTS:
  void initTestCase() {
    testing::isolateSettings();
    QVERIFY(dir_.isValid());
  }

  void saveAndReopen() {
    auto window = makeWindow();
    studio::StudioController* s = window->studio();
    studio::DatasetSource source;
    source.kind = studio::DatasetSource::Kind::Synthetic;
    source.synthetic = testing::smallSynthetic();
    QSignalSpy loaded(s->datasets(), &studio::DatasetController::loaded);
    s->loadDataset(source);
    QVERIFY(testing::waitForCount(loaded, 1, 60000));
    QVERIFY(s->addModel("adigrec", testing::smallAdigrec(1), "tiny") >= 0);
    // A parameter edited in the generated form ends up in the session.
    auto* interests = window->modelPanel()->form()->findChild<QSpinBox*>("param_interests");
    QVERIFY(interests);
    interests->setValue(3);
    QCOMPARE(s->session().current()->config["interests"].get<int>(), 3);
    window->trainingPanel()->findChild<QSpinBox*>("trainThreads")->setValue(2);
    QSignalSpy trained(s->training(), &studio::TrainingController::finished);
    QString error;
    QVERIFY2(s->startTraining(&error), qPrintable(error));
    QVERIFY(testing::waitForCount(trained, 1, 120000));
    QSignalSpy evaluated(s->evaluation(), &studio::EvaluationController::finished);
    QVERIFY2(s->startEvaluation("test", false, &error), qPrintable(error));
    QVERIFY(testing::waitForCount(evaluated, 1, 120000));
    s->setViewState("inspector", {{"user", 17}, {"step", 4}, {"projection", "pca"}});
    QVERIFY(s->isModified());

    const QString path = dir_.filePath("course/lesson.rdsession");
    QDir().mkpath(dir_.filePath("course"));
    const QString scratch = QFileInfo(QString::fromStdString(s->session().current()->checkpoint)).absolutePath();
    QVERIFY(QDir(scratch).exists());
    QVERIFY(window->saveSessionTo(path));
    QVERIFY(!s->isModified());
    const studio::ModelEntry saved = *s->session().current();
    // The checkpoint moved beside the session; the file stores relative paths.
    QVERIFY2(QString::fromStdString(saved.checkpoint).startsWith(dir_.filePath("course/lesson.checkpoints")),
             saved.checkpoint.c_str());
    const auto json = nlohmann::json::parse(readAll(path).toStdString());
    QCOMPARE(json["models"][0]["checkpoint"].get<std::string>(), std::string("lesson.checkpoints/m1-adigrec.pt"));
    QCOMPARE(json["view_state"]["inspector"]["user"].get<int>(), 17);
    // The epochs are stored as checkpoints store them (issue 43).
    QVERIFY(!json["models"][0]["history"].empty());
    QVERIFY(json["models"][0]["history"][0].contains("validation_seconds"));
    QVERIFY(!json["models"][0]["history"][0].contains("collapse"));
    // Closing the window removes the scratch copies of the checkpoints.
    QVERIFY(window->close());
    QVERIFY2(!QDir(scratch).exists(), qPrintable(scratch));
    window.reset();

    // Reopen in a fresh window: same dataset, model, parameters, results, view state.
    auto again = makeWindow();
    QSignalSpy reloaded(again->studio()->datasets(), &studio::DatasetController::loaded);
    QSignalSpy models(again->studio(), &studio::StudioController::currentModelChanged);
    QVERIFY(again->openSessionFile(path));
    QVERIFY(testing::waitForCount(reloaded, 1, 60000));
    QTRY_VERIFY_WITH_TIMEOUT(!again->studio()->currentModel().isNull(), 30000);
    const studio::SessionDocument& doc = again->studio()->session();
    QCOMPARE(doc.dataset.kind, studio::DatasetSource::Kind::Synthetic);
    QCOMPARE(doc.dataset.synthetic.users, 300);
    QCOMPARE(doc.models.size(), std::size_t{1});
    QCOMPARE(doc.models[0].label, std::string("tiny"));
    QVERIFY(doc.models[0].config == saved.config);
    QCOMPARE(doc.models[0].checkpoint, saved.checkpoint);
    QVERIFY(doc.models[0].results["test"] == saved.results["test"]);
    QCOMPARE(doc.viewState["inspector"]["projection"].get<std::string>(), std::string("pca"));
    QCOMPARE(doc.training.threads, 2);
    QVERIFY(!again->studio()->isModified());
    // And the panels show it.
    QCOMPARE(again->modelPanel()->findChild<QLineEdit*>("modelLabel")->text(), QString("tiny"));
    QCOMPARE(again->modelPanel()->form()->findChild<QSpinBox*>("param_interests")->value(), 3);
    QCOMPARE(again->trainingPanel()->findChild<QSpinBox*>("trainThreads")->value(), 2);
    QVERIFY(again->evaluationPanel()->comparisonModel()->rows().first().metrics.has_value());
    QVERIFY(again->isWindowModified() == false);
    QVERIFY(again->windowTitle().contains("lesson"));
    // The reloaded model evaluates like the saved one did.
    QSignalSpy evaluatedAgain(again->studio()->evaluation(), &studio::EvaluationController::finished);
    QVERIFY2(again->studio()->startEvaluation("test", false, &error), qPrintable(error));
    QVERIFY(testing::waitForCount(evaluatedAgain, 1, 120000));
    const double ndcgAgain = again->studio()->session().current()->results["test"]["ndcg@20"].get<double>();
    const double ndcgSaved = saved.results["test"]["ndcg@20"].get<double>();
    QVERIFY2(std::abs(ndcgAgain - ndcgSaved) < 1e-6, qPrintable(QString("%1 vs %2").arg(ndcgAgain).arg(ndcgSaved)));
    again.reset();

    // The same session pointed at other data (issue 44, case 8): the
    // checkpoint is not used, and the message says why.
    auto edited = nlohmann::json::parse(readAll(path).toStdString());
    edited["dataset"]["synthetic"]["users"] = 301;
    const QString otherPath = dir_.filePath("course/other-data.rdsession");
    {
      QFile out(otherPath);
      QVERIFY(out.open(QIODevice::WriteOnly));
      out.write(QByteArray::fromStdString(edited.dump()));
    }
    // (It names the checkpoint relative to the folder both sessions share.)
    auto other = makeWindow();
    QSignalSpy messages(other->studio(), &studio::StudioController::message);
    QVERIFY(other->openSessionFile(otherPath));
    auto status = [&other] {
      const auto* current = other->studio()->session().current();
      return current ? other->studio()->modelStatus(*current) : QString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(status().contains("could not be loaded"), 60000);
    QVERIFY(other->studio()->currentModel().isNull());
    QVERIFY2(status().contains("not on this session's dataset"), qPrintable(status()));
    // The problem is shown, not saved into the session's results: the
    // session written again holds none of it.
    QVERIFY(other->studio()->session().toJson(QDir(dir_.path())).dump().find("not on this session") ==
            std::string::npos);
  }

  void corruptSessionLosesNothing() {
    auto window = makeWindow();
    studio::StudioController* s = window->studio();
    QVERIFY(s->addModel("adigrec", testing::smallAdigrec(1), "keep me") >= 0);
    const std::string before = s->session().toJson(QDir(dir_.path())).dump();

    const QString corrupt = dir_.filePath("broken.rdsession");
    const QByteArray garbage =
        "{\n  \"format\": \"recdiff-studio-session\",\n  \"version\": 1,\n  \"models\": [\n    {\"model\": "
        "\"adigrec\",\n";
    QFile f(corrupt);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(garbage);
    f.close();
    QVERIFY(!window->openSessionFile(corrupt));
    QVERIFY(window->notification()->isVisible());
    const QString message = window->notification()->text();
    QVERIFY2(message.contains("broken.rdsession"), qPrintable(message));
    QVERIFY2(message.contains("not valid JSON"), qPrintable(message));
    QVERIFY2(message.contains("unchanged"), qPrintable(message));
    // The current session is as it was, and the file is untouched.
    QCOMPARE(s->session().toJson(QDir(dir_.path())).dump(), before);
    QCOMPARE(readAll(corrupt), garbage);

    // Valid JSON that is not a session, and a session naming an unknown model.
    const QString other = dir_.filePath("other.rdsession");
    QFile o(other);
    QVERIFY(o.open(QIODevice::WriteOnly));
    o.write("{\"format\": \"recdiff-studio-session\", \"version\": 1, \"models\": [{\"model\": \"no-such-model\"}]}");
    o.close();
    QVERIFY(!window->openSessionFile(other));
    QVERIFY2(window->notification()->text().contains("no-such-model"), qPrintable(window->notification()->text()));
    QCOMPARE(s->session().toJson(QDir(dir_.path())).dump(), before);
    QVERIFY(!window->openSessionFile(dir_.filePath("missing.rdsession")));
    QVERIFY(window->notification()->text().contains("no such file"));
    // Fields of the wrong type (fuzz_session found these ending the Studio).
    for (const char* text :
         {"{\"format\": 5}", "{\"format\": \"recdiff-studio-session\", \"version\": 1, \"models\": 7}",
          "{\"format\": 1e999999}", "{\"format\": \"recdiff-studio-session\", \"version\": 7.2e62}"}) {
      QFile w(other);
      QVERIFY(w.open(QIODevice::WriteOnly | QIODevice::Truncate));
      w.write(text);
      w.close();
      QVERIFY(!window->openSessionFile(other));
      QVERIFY2(window->notification()->text().contains("other.rdsession"), qPrintable(window->notification()->text()));
      QCOMPARE(s->session().toJson(QDir(dir_.path())).dump(), before);
    }
  }

  // Issue 44: a session whose model settings are out of their declared
  // range (dim=0 crashed LibTorch when trained) is refused on opening, with
  // the file and the parameter named; the Studio and its session stay.
  void sessionWithOutOfRangeSettingsIsRefused() {
    auto window = makeWindow();
    studio::StudioController* s = window->studio();
    QVERIFY(s->addModel("adigrec", testing::smallAdigrec(1), "keep me") >= 0);
    const std::string before = s->session().toJson(QDir(dir_.path())).dump();
    const QString bad = dir_.filePath("dim-zero.rdsession");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        "{\"format\": \"recdiff-studio-session\", \"version\": 1, "
        "\"models\": [{\"model\": \"adigrec\", \"config\": {\"dim\": 0, \"epochs\": 1}}]}");
    f.close();
    QVERIFY(!window->openSessionFile(bad));
    const QString message = window->notification()->text();
    QVERIFY2(message.contains("dim-zero.rdsession"), qPrintable(message));
    QVERIFY2(message.contains("models[0].config: parameter 'dim' = 0 is out of range: expected an integer in 1..4096"),
             qPrintable(message));
    QVERIFY(window->isVisible());
    QCOMPARE(s->session().toJson(QDir(dir_.path())).dump(), before);
    // The loader itself refuses it (the recovery copy goes through it too).
    bool refused = false;
    try {
      studio::loadSessionFile(bad);
    } catch (const studio::SessionError& e) {
      refused = QString(e.what()).contains("'dim' = 0");
    }
    QVERIFY(refused);

    // The generated form cannot make such a value: its limits are the declared ranges.
    views::ParamForm* form = window->modelPanel()->form();
    auto* dim = form->findChild<QSpinBox*>("param_dim");
    QVERIFY(dim);
    QCOMPARE(dim->minimum(), 1);
    QCOMPARE(dim->maximum(), 4096);
    dim->setValue(0);
    QCOMPARE(dim->value(), 1);
    auto* batch = form->findChild<QSpinBox*>("param_batch_size");
    QVERIFY(batch);
    QCOMPARE(batch->minimum(), 1);
    auto* lr = form->findChild<QDoubleSpinBox*>("param_lr");
    QVERIFY(lr);
    QVERIFY(lr->minimum() > 0.0);
    QCOMPARE(lr->maximum(), 10.0);
    QVERIFY(lr->toolTip().contains("Range: (0, 10]"));
  }

  void classroomSessionOpensReadyToUse() {
    auto window = makeWindow();
    QSignalSpy loaded(window->studio()->datasets(), &studio::DatasetController::loaded);
    QTest::mouseClick(window->startPage()->findChild<QPushButton*>("openClassroom"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(loaded, 1, 60000));
    QVERIFY(!window->isStartPageVisible());
    const studio::SessionDocument& doc = window->studio()->session();
    QCOMPARE(doc.dataset.kind, studio::DatasetSource::Kind::Synthetic);
    QVERIFY(doc.current());
    QCOMPARE(doc.current()->modelName, std::string("adigrec"));
    QVERIFY(window->studio()->sessionPath().isEmpty());  // a template: Save asks where
    QVERIFY(window->trainingPanel()->findChild<QPushButton*>("startTraining")->isEnabled());
    // The same file ships in sessions/.
    const QString shipped = QStringLiteral(RECDIFF_SOURCE_DIR "/sessions/classroom-demo.rdsession");
    QVERIFY(QFileInfo::exists(shipped));
    studio::loadSessionFile(shipped);
    // The classroom story is the demo's: ADIGRec with and without L_reg (and
    // DimeRec), trained with the same settings, so what the class trains is
    // what BENCHMARKS.md measured.
    const studio::SessionDocument demo = studio::demo::session();
    QCOMPARE(doc.models.size(), demo.models.size());
    for (std::size_t i = 0; i < demo.models.size(); ++i) {
      QCOMPARE(doc.models[i].modelName, demo.models[i].modelName);
      QCOMPARE(QString::fromStdString(doc.models[i].config.dump()),
               QString::fromStdString(demo.models[i].config.dump()));
    }
  }

  void recoveryCopyIsOffered() {
    const QString recoveryFile = dir_.filePath("recovery.rdsession");
    QFile::remove(recoveryFile);
    {
      auto window = makeWindow();
      QVERIFY(window->studio()->addModel("adigrec", testing::smallAdigrec(1), "unsaved work") >= 0);
      window->autosave();
      QVERIFY(QFileInfo::exists(recoveryFile));
      // A crash: the window goes away without a clean close.
    }
    auto window = makeWindow();
    auto* restore = window->startPage()->findChild<QPushButton*>("restoreRecovery");
    QVERIFY(restore);
    QVERIFY(restore->isVisible());
    QTest::mouseClick(restore, Qt::LeftButton);
    QVERIFY(window->studio()->session().current());
    QCOMPARE(window->studio()->session().current()->label, std::string("unsaved work"));
    QVERIFY(window->studio()->isModified());
  }
};

QTEST_MAIN(SessionTest)
#include "tst_session.moc"
