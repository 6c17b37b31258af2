// `rl analyze`'s numbers on run logs built in memory: when the trailing mean first reaches the
// threshold, the final return over the last 100 episodes, the best evaluation, a group's Student
// t interval against hand-worked values, the CSV text, the learning-curve PNG, and run logs
// written to disk and read back (including files that are not run logs).
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "experiments/analysis.hpp"
#include "log/run_log.hpp"
#include <unistd.h>

namespace rl::experiments {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

/// A folder of its own in the temp directory (CTest runs test cases as parallel processes),
/// removed with everything in it when the test ends.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

/// A finished run log of env and agent whose episode i returns returns[i], finishes at global
/// step 100 * (i + 1) + 7 and at 0.5 * i seconds.
log::RunLog make_run(const std::string& env, const std::string& agent, int seed,
                     const std::vector<double>& returns) {
  using Kind = log::ConfigEntry::Kind;
  log::RunLog run;
  run.config = {{"env", env, Kind::kString},
                {"agent", agent, Kind::kString},
                {"seed", std::to_string(seed), Kind::kInteger},
                {"steps", "20000", Kind::kInteger}};
  run.status = "finished";
  run.steps_done = 20000;
  run.wall_time = 8;
  for (size_t i = 0; i < returns.size(); ++i) {
    run.episodes.r.push_back(returns[i]);
    run.episodes.l.push_back(100);
    run.episodes.t.push_back(0.5 * static_cast<double>(i));
    run.episodes.global_step.push_back(100 * static_cast<std::int64_t>(i + 1) + 7);
    run.episodes.env_index.push_back(0);
    run.episodes.terminated.push_back(1);
    run.episodes.truncated.push_back(0);
  }
  return run;
}

/// Returns 0, 10, 20, ...: the trailing 20-episode mean after episode i (i >= 19) is 10 i - 95.
std::vector<double> rising_returns(size_t count) {
  std::vector<double> returns;
  for (size_t i = 0; i < count; ++i) {
    returns.push_back(10.0 * static_cast<double>(i));
  }
  return returns;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_CASE(
    "first_solved finds the first episode whose trailing 20-episode mean reaches the "
    "threshold",
    "[experiments][analysis]") {
  const log::RunLog run = make_run("CartPole-v1", "ppo", 1, rising_returns(100));
  // Episode 56's window (returns 370..560) averages 465; episode 57's (380..570) exactly 475.
  const auto solved = first_solved(run.episodes, 475);
  REQUIRE(solved);
  CHECK(solved->episode == 57);
  CHECK(solved->step == 5807);
  CHECK(solved->time == 28.5);
  CHECK(first_solved(run.episodes, 475.001)->episode == 58);
  CHECK_FALSE(first_solved(run.episodes, 1000));
}

TEST_CASE("first_solved waits for 20 episodes", "[experiments][analysis]") {
  // The first ten episodes alone average 1000; only the first full window (episodes 0..19,
  // mean 500) counts.
  std::vector<double> returns(10, 1000.0);
  returns.resize(30, 0.0);
  const log::RunLog run = make_run("CartPole-v1", "ppo", 1, returns);
  const auto solved = first_solved(run.episodes, 475);
  REQUIRE(solved);
  CHECK(solved->episode == 19);
  CHECK(solved->step == 2007);
  CHECK(solved->time == 9.5);

  const log::RunLog short_run = make_run("CartPole-v1", "ppo", 1, std::vector<double>(19, 500.0));
  CHECK_FALSE(first_solved(short_run.episodes, 475));
}

TEST_CASE("summarize_run takes the final return over the last 100 episodes",
          "[experiments][analysis]") {
  std::vector<double> returns;
  for (int i = 0; i < 150; ++i) {
    returns.push_back(i);
  }
  // Episodes 50..149: mean 99.5.
  const RunSummary summary = summarize_run(make_run("CartPole-v1", "ppo", 3, returns), "a.h5", {});
  REQUIRE(summary.final_return);
  CHECK_THAT(*summary.final_return, WithinAbs(99.5, 1e-12));
  CHECK(summary.episodes == 150);

  // Fewer than 100 episodes: all of them, as SB3's ep_rew_mean.
  const RunSummary few = summarize_run(make_run("CartPole-v1", "ppo", 3, {1, 2, 6}), "b.h5", {});
  CHECK_THAT(*few.final_return, WithinAbs(3.0, 1e-12));

  const RunSummary none = summarize_run(make_run("CartPole-v1", "ppo", 3, {}), "c.h5", {});
  CHECK_FALSE(none.final_return);
  CHECK_FALSE(none.solved);
  CHECK(none.episodes == 0);
}

TEST_CASE("best_evaluation is the evaluation with the highest mean return",
          "[experiments][analysis]") {
  log::EvalTable eval;
  eval.timesteps = {1000, 2000, 3000, 4000};
  eval.t = {1, 2, 3, 4};
  eval.results = {{1, 3}, {10, 20}, {}, {15, 15}};
  eval.ep_lengths = {{5, 5}, {5, 5}, {}, {5, 5}};
  const auto best = best_evaluation(eval);
  REQUIRE(best);
  // 15 at step 2000 ties 15 at step 4000: the first one counts.
  CHECK(best->mean_return == 15);
  CHECK(best->step == 2000);
  CHECK_FALSE(best_evaluation(log::EvalTable{}));

  log::RunLog run = make_run("CartPole-v1", "ppo", 1, {1, 2});
  run.eval = eval;
  const RunSummary summary = summarize_run(run, "run.h5", {});
  REQUIRE(summary.best_eval);
  CHECK(summary.best_eval->step == 2000);
}

TEST_CASE("summarize_run reads the config and judges against the env's threshold or the given one",
          "[experiments][analysis]") {
  log::RunLog run = make_run("CartPole-v1", "dqn", 4, rising_returns(100));
  run.status = "running";
  run.steps_done = 5000;
  run.wall_time = 2;
  const RunSummary summary = summarize_run(run, "runs/dqn.h5", {});
  CHECK(summary.path == "runs/dqn.h5");
  CHECK(summary.env == "CartPole-v1");
  CHECK(summary.agent == "dqn");
  CHECK(summary.seed == "4");
  CHECK(summary.status == "running");
  CHECK(summary.steps == 5000);
  CHECK(summary.planned_steps == 20000);
  CHECK(summary.wall_time == 2);
  CHECK(summary.steps_per_second == 2500);
  CHECK(summary.threshold == 475);
  REQUIRE(summary.solved);
  CHECK(summary.solved->step == 5807);

  const RunSummary lower = summarize_run(run, "runs/dqn.h5", 105);
  CHECK(lower.threshold == 105);
  REQUIRE(lower.solved);
  CHECK(lower.solved->episode == 20);  // 10 * 20 - 95 = 105

  // Pendulum has no reward threshold: not judged unless one is given.
  const RunSummary pendulum =
      summarize_run(make_run("Pendulum-v1", "sac", 1, {-1200, -900}), "p.h5", {});
  CHECK_FALSE(pendulum.threshold);
  CHECK_FALSE(pendulum.solved);
  CHECK(env_reward_threshold("Acrobot-v1") == -100);
  CHECK_FALSE(env_reward_threshold("NoSuchEnv-v9"));

  log::RunLog no_agent = run;
  no_agent.config.erase(no_agent.config.begin() + 1);
  CHECK_THROWS_AS(summarize_run(no_agent, "odd.h5", {}), Error);
  CHECK_THROWS_WITH(summarize_run(no_agent, "odd.h5", {}),
                    Contains("odd.h5") && Contains("'agent'"));
}

TEST_CASE("learning_curve is the trailing mean of up to 20 episodes at each episode's step",
          "[experiments][analysis]") {
  const LearningCurve curve =
      learning_curve(make_run("CartPole-v1", "ppo", 1, rising_returns(30)).episodes);
  REQUIRE(curve.x.size() == 30);
  REQUIRE(curve.y.size() == 30);
  CHECK(curve.x[0] == 107);
  CHECK(curve.x[29] == 3007);
  CHECK(curve.y[0] == 0);
  CHECK(curve.y[1] == 5);  // (0 + 10) / 2
  CHECK(curve.y[19] == 95);  // 0..190
  CHECK(curve.y[29] == 195);  // 100..290
}

TEST_CASE("group_runs gives each env and agent the mean and Student t interval across seeds",
          "[experiments][analysis]") {
  // ppo seed 1: 30 episodes of 100 (final 100, never solved). Seed 2: 20 of 500 then 30 of 0
  // (final 200; solved at episode 19, step 2007, 9.5 s). Seed 3: 20 of 0 then 100 of 600
  // (final 600; a window holds 16 of 600 first at episode 35: step 3607, 17.5 s).
  std::vector<double> second(20, 500.0);
  second.resize(50, 0.0);
  std::vector<double> third(20, 0.0);
  third.resize(120, 600.0);
  std::vector<RunSummary> runs;
  runs.push_back(
      summarize_run(make_run("CartPole-v1", "ppo", 1, std::vector<double>(30, 100.0)), "1.h5", {}));
  runs.push_back(summarize_run(make_run("CartPole-v1", "dqn", 1, rising_returns(70)), "d.h5", {}));
  runs.push_back(summarize_run(make_run("CartPole-v1", "ppo", 2, second), "2.h5", {}));
  runs.push_back(summarize_run(make_run("CartPole-v1", "ppo", 3, third), "3.h5", {}));
  REQUIRE(runs[2].solved->step == 2007);
  REQUIRE(runs[3].solved->step == 3607);

  const std::vector<GroupSummary> groups = group_runs(runs);
  REQUIRE(groups.size() == 2);
  const GroupSummary& ppo = groups[0];
  CHECK(ppo.agent == "ppo");
  CHECK(ppo.env == "CartPole-v1");
  CHECK(ppo.runs == std::vector<size_t>{0, 2, 3});
  CHECK(groups[1].agent == "dqn");
  CHECK(groups[1].runs == std::vector<size_t>{1});

  // mean 300; sample sd sqrt((200^2 + 100^2 + 300^2) / 2) = sqrt(70000); t(2) = 4.302653.
  REQUIRE(ppo.final_return);
  CHECK(ppo.final_return->n == 3);
  CHECK_THAT(ppo.final_return->mean, WithinAbs(300, 1e-9));
  REQUIRE(ppo.final_return->ci95);
  CHECK_THAT(*ppo.final_return->ci95,
             WithinAbs(4.302653 * std::sqrt(70000.0) / std::sqrt(3.0), 1e-4));

  // Solved at steps 2007 and 3607: sd = 1600 / sqrt(2), t(1) = 12.706205.
  CHECK(ppo.judged);
  CHECK(ppo.solved == 2);
  REQUIRE(ppo.solved_step);
  CHECK(ppo.solved_step->n == 2);
  CHECK_THAT(ppo.solved_step->mean, WithinAbs(2807, 1e-9));
  CHECK_THAT(*ppo.solved_step->ci95, WithinAbs(12.706205 * 800, 1e-2));
  CHECK_THAT(ppo.solved_time->mean, WithinAbs(13.5, 1e-12));

  // Every run took 8 s for 20000 steps.
  CHECK_THAT(ppo.steps_per_second->mean, WithinAbs(2500, 1e-9));
  CHECK_THAT(*ppo.steps_per_second->ci95, WithinAbs(0, 1e-9));
  CHECK_FALSE(ppo.best_eval);

  // One run: a mean without an interval.
  REQUIRE(groups[1].final_return);
  CHECK_FALSE(groups[1].final_return->ci95);
}

TEST_CASE("estimate matches a hand-worked Student t interval", "[experiments][analysis]") {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32 / 7), t(7) = 2.364624.
  const auto e = estimate({2, 4, 4, 4, 5, 5, 7, 9});
  REQUIRE(e);
  CHECK(e->n == 8);
  CHECK_THAT(e->mean, WithinAbs(5, 1e-12));
  CHECK_THAT(*e->ci95, WithinAbs(2.364624 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0), 1e-5));
  CHECK_FALSE(estimate({}));
  CHECK_FALSE(estimate({3})->ci95);
}

TEST_CASE("runs_csv writes a header and one row of plain numbers per run",
          "[experiments][analysis]") {
  log::RunLog run = make_run("CartPole-v1", "ppo", 1, rising_returns(100));
  run.eval.timesteps = {10000};
  run.eval.t = {4};
  run.eval.results = {{400, 500}};
  run.eval.ep_lengths = {{400, 500}};
  log::RunLog unjudged = make_run("Pendulum-v1", "sac", 2, {});
  unjudged.status = "diverged";
  unjudged.status_message = "loss is NaN at step 300, \"actor\"";
  unjudged.wall_time = 0;
  const std::string csv =
      runs_csv({summarize_run(run, "runs/ppo,1.h5", {}), summarize_run(unjudged, "s.h5", {})});
  CHECK(csv ==
        "path,env,agent,seed,status,steps,planned_steps,wall_time,steps_per_second,episodes,"
        "final_return,best_eval,best_eval_step,threshold,solved,solved_episode,solved_step,"
        "solved_time,status_message\n"
        "\"runs/ppo,1.h5\",CartPole-v1,ppo,1,finished,20000,20000,8,2500,100,495,450,10000,475,1,"
        "57,5807,28.5,\n"
        "s.h5,Pendulum-v1,sac,2,diverged,20000,20000,0,,0,,,,,,,,,"
        "\"loss is NaN at step 300, \"\"actor\"\"\"\n");
}

TEST_CASE("write_text_file writes the whole file or names the path and the fix",
          "[experiments][analysis]") {
  const TempDir dir("rl_test_analysis_write");
  const std::string path = dir.file("runs.csv");
  write_text_file(path, "a,b\n1,2\n");
  CHECK(read_text(path) == "a,b\n1,2\n");
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  const std::string missing = dir.file("no-such-folder/runs.csv");
  CHECK_THROWS_AS(write_text_file(missing, "x"), Error);
  CHECK_THROWS_WITH(write_text_file(missing, "x"),
                    Contains(missing) && Contains("No such file") && Contains("existing folder"));
}

TEST_CASE("learning_curve_plot draws one curve per env and agent and writes a PNG",
          "[experiments][analysis]") {
  std::vector<AnalyzedRun> runs;
  for (int seed = 1; seed <= 3; ++seed) {
    const log::RunLog run = make_run("CartPole-v1", "ppo", seed, rising_returns(40 + 10 * seed));
    runs.push_back(
        {summarize_run(run, "ppo" + std::to_string(seed), {}), learning_curve(run.episodes)});
  }
  const log::RunLog dqn = make_run("CartPole-v1", "dqn", 1, std::vector<double>(60, 120.0));
  runs.push_back({summarize_run(dqn, "dqn", {}), learning_curve(dqn.episodes)});
  const log::RunLog lone = make_run("CartPole-v1", "dqn", 2, {50});
  runs.push_back({summarize_run(lone, "lone.h5", {}), learning_curve(lone.episodes)});

  const LearningCurvePlot plot = learning_curve_plot(runs, {});
  CHECK(plot.left_out == std::vector<std::string>{"lone.h5"});
  REQUIRE(plot.spec.curves.size() == 2);
  CHECK(plot.spec.curves[0].label == "ppo on CartPole-v1 (3 seeds)");
  CHECK(plot.spec.curves[1].label == "dqn on CartPole-v1 (1 seed)");
  // The band spans the three seeds; the single dqn run has none.
  CHECK(plot.spec.curves[0].lower.size() == plot.spec.curves[0].x.size());
  CHECK(plot.spec.curves[1].lower.empty());
  // Seeds overlap up to the shortest run's last episode (50 episodes: step 5007).
  CHECK(plot.spec.curves[0].x.back() == 5007);
  CHECK(plot.spec.title == "CartPole-v1: episode return (mean of last 20 episodes)");
  CHECK(plot.spec.threshold == 475);
  CHECK(plot.spec.threshold_label == "solved (475)");

  const TempDir dir("rl_test_analysis_plot");
  const std::string path = dir.file("curves.png");
  write_plot_png(plot.spec, path);
  const std::string png = read_text(path);
  REQUIRE(png.size() > 1000);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_CASE("learning_curve_plot uses a neutral title for several envs and --threshold's line",
          "[experiments][analysis]") {
  std::vector<AnalyzedRun> runs;
  for (const char* env : {"CartPole-v1", "Acrobot-v1"}) {
    const log::RunLog run = make_run(env, "dqn", 1, rising_returns(30));
    runs.push_back({summarize_run(run, env, {}), learning_curve(run.episodes)});
  }
  const LearningCurvePlot plot = learning_curve_plot(runs, {});
  CHECK(plot.spec.curves.size() == 2);
  CHECK(plot.spec.title == "episode return (mean of last 20 episodes)");
  CHECK_FALSE(plot.spec.threshold);

  const LearningCurvePlot given = learning_curve_plot(runs, -87.5);
  CHECK(given.spec.threshold == -87.5);
  CHECK(given.spec.threshold_label == "solved (-87.5)");

  // Nothing to draw: no curves, and the run is listed as left out.
  const log::RunLog lone = make_run("CartPole-v1", "dqn", 2, {50});
  const LearningCurvePlot empty = learning_curve_plot(
      {{summarize_run(lone, "lone.h5", {}), learning_curve(lone.episodes)}}, {});
  CHECK(empty.spec.curves.empty());
  CHECK(empty.left_out == std::vector<std::string>{"lone.h5"});
}

TEST_CASE("analyze_file reads a run log back from disk and names files that are not one",
          "[experiments][analysis]") {
  const TempDir dir("rl_test_analysis_files");
  log::RunLog run = make_run("CartPole-v1", "ppo", 5, rising_returns(100));
  run.status = "running";
  run.eval.timesteps = {10000};
  run.eval.t = {4};
  run.eval.results = {{480, 490}};
  run.eval.ep_lengths = {{480, 490}};
  const std::string path = dir.file("ppo.h5");
  log::write_run_log(run, path, false);

  const AnalyzedRun analyzed = analyze_file(path, {});
  const RunSummary& s = analyzed.summary;
  CHECK(s.path == path);
  CHECK(s.env == "CartPole-v1");
  CHECK(s.seed == "5");
  CHECK(s.status == "running");
  CHECK(s.episodes == 100);
  CHECK_THAT(*s.final_return, WithinAbs(495, 1e-12));
  CHECK(s.best_eval->mean_return == 485);
  CHECK(s.solved->step == 5807);
  CHECK(s.solved->time == 28.5);
  CHECK(analyzed.curve.x.size() == 100);

  const std::string text = dir.file("notes.h5");
  std::ofstream(text) << "not a run log\n";
  CHECK_THROWS_AS(analyze_file(text, {}), Error);
  CHECK_THROWS_WITH(analyze_file(text, {}), Contains(text) && Contains("not an HDF5 file"));

  const std::string truncated = dir.file("truncated.h5");
  const std::string whole = read_text(path);
  std::ofstream(truncated, std::ios::binary) << whole.substr(0, whole.size() / 2);
  CHECK_THROWS_WITH(analyze_file(truncated, {}), Contains(truncated));

  const std::string missing = dir.file("missing.h5");
  CHECK_THROWS_WITH(analyze_file(missing, {}), Contains(missing));
}

}  // namespace
}  // namespace rl::experiments
