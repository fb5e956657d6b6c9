//! The UI benchmark, run by `cargo xtask bench ui` (ignored by the test suite: it measures and
//! prints, it does not judge). On the demo archive once its first sync is done:
//!
//! - keystroke to results painted: queries from the demo's own titles (a two-character word,
//!   a single character and a three-character word each) typed into the palette, once in a
//!   burst (keys back to back, timing the final one) and once key by key at a fast typist's
//!   pace (timing each); the UI records, for the search that answers a keystroke, the time
//!   from that `input` event to the frame after the results were set (`data-paint-ms` on the
//!   results) and where it went (`data-timing`: waiting, the command, the core's search,
//!   rendering);
//! - memory of the app and its WebKit processes (RSS and PSS, from /proc) when idle, and after
//!   scrolling through 1,000 topics of the largest circle (`--rows`), with the interval
//!   between painted frames meanwhile;
//! - with `--dataset generated:N`, all of it on a simulated archive of N topics, and how long
//!   its first sync took.

use std::time::Duration;

use fantoccini::Locator;

use crate::procfs::{cpu_ticks, descendants, memory_kb};
use crate::support::{App, Launch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: `cargo xtask bench ui` runs it"]
async fn ui_benchmark() -> anyhow::Result<()> {
    // `cargo xtask bench ui --dataset generated:100000 --rows 10000` runs it on a big archive.
    let dataset = std::env::var("ORRERY_BENCH_DATASET").ok();
    let rows: u32 = std::env::var("ORRERY_BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1000);
    let app = App::launch_with(Launch {
        env: dataset
            .iter()
            .map(|d| ("ORRERY_DEMO_DATASET".to_owned(), d.clone()))
            .collect(),
        ..Launch::default()
    })
    .await?;
    let synced = std::time::Instant::now();
    app.wait_text_within(
        Duration::from_secs(3600),
        "#status-bar[data-state=caught_up] .sync-state",
        |_| true,
    )
    .await?;
    let sync_s = synced.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle = app_memory(&app)?;

    // The queries: words of the titles the timeline shows.
    let titles = app
        .eval("return [...document.querySelectorAll('#timeline-rows .row-title')].map(e => e.textContent);")
        .await?;
    let mut queries: Vec<String> = Vec::new();
    for title in titles
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str())
    {
        let cjk: Vec<char> = title
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .collect();
        for q in [
            cjk.iter().take(2).collect::<String>(),
            cjk.iter().skip(2).take(1).collect(),
            cjk.iter().skip(3).take(3).collect(),
        ] {
            if !q.is_empty() && !queries.contains(&q) {
                queries.push(q);
            }
        }
    }
    // Each query twice: in one burst (WebDriver sends its keys back to back, as a paste or a
    // word committed by an input method arrives), timing the final keystroke; then key by
    // key at a fast typist's pace, timing every keystroke.
    let mut burst: Vec<serde_json::Value> = Vec::new();
    let mut paced: Vec<serde_json::Value> = Vec::new();
    for query in &queries {
        app.click("#search-trigger").await?;
        let input = app.wait_for("#palette-input").await?;
        input.send_keys(query).await?;
        app.wait_for("#palette #search-results[data-paint-ms] .hits, #palette #search-results[data-paint-ms] .empty")
            .await?;
        // The last search of the query settles; its paint is the final keystroke's.
        tokio::time::sleep(Duration::from_millis(300)).await;
        burst.push(serde_json::from_str(&next_timing(&app, None).await?)?);
        close_palette(&app).await?;
    }
    for query in &queries {
        app.click("#search-trigger").await?;
        let input = app.wait_for("#palette-input").await?;
        let mut last = None;
        for key in query.chars() {
            let typed = std::time::Instant::now();
            input.send_keys(&key.to_string()).await?;
            let timing = next_timing(&app, last.as_deref()).await?;
            paced.push(serde_json::from_str(&timing)?);
            last = Some(timing);
            tokio::time::sleep(TYPING_INTERVAL.saturating_sub(typed.elapsed())).await;
        }
        close_palette(&app).await?;
    }
    // Each part's percentiles on its own: the slowest totals and the slowest parts need not
    // be the same keystrokes.
    let part = |timings: &[serde_json::Value], name: &str| {
        let mut ms: Vec<f64> = timings.iter().filter_map(|t| t[name].as_f64()).collect();
        ms.sort_by(f64::total_cmp);
        let pct = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
        serde_json::json!({ "p50": pct(0.5), "p95": pct(0.95), "max": pct(1.0) })
    };
    let parts = |timings: &[serde_json::Value]| {
        serde_json::json!({
            "keystrokes": timings.len(),
            "keystroke_to_paint_ms": part(timings, "total"),
            "waiting_for_the_previous_search": part(timings, "wait"),
            "command_round_trip": part(timings, "ipc"),
            "core_search": part(timings, "core"),
            "render_to_paint": part(timings, "render"),
            "render_dom": part(timings, "dom"),
            "render_until_frame": part(timings, "frame"),
        })
    };

    // `rows` topics of the largest circle, scrolled ten rows at a time, with the interval
    // between painted frames recorded meanwhile (a janky scroll shows as long intervals).
    let largest = app
        .eval(
            "return [...document.querySelectorAll('#circles li[data-circle]')]
               .map(li => [li.dataset.circle, +li.querySelector('[data-field=topics]').textContent])
               .sort((a, b) => b[1] - a[1])[0][0];",
        )
        .await?;
    let largest = largest.as_str().unwrap_or_default().to_owned();
    app.click(&format!("#circles li[data-circle='{largest}'] .circle"))
        .await?;
    app.wait_for("#timeline-rows .row").await?;
    // Ten rows every 40 ms, plus the pages fetched on the way: minutes for 10,000 rows.
    app.client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_millis(u64::from(rows) * 20 + 60_000)),
            None,
            Some(Duration::ZERO),
        ))
        .await?;
    let scrolled = app
        .client
        .execute_async(
            "const [rows, done] = [arguments[0], arguments[arguments.length - 1]];
             const list = document.querySelector('#timeline-rows');
             let steps = 0, frames = [], last = performance.now(), going = true;
             const frame = (t) => { frames.push(t - last); last = t; if (going) requestAnimationFrame(frame); };
             requestAnimationFrame(frame);
             const step = () => {
               list.scrollTop += 880; list.dispatchEvent(new Event('scroll'));
               const at = Math.max(...[...document.querySelectorAll('#timeline-rows .row')].map(r => +r.dataset.index));
               if (at >= rows || ++steps > rows) { going = false; done([at, frames]); } else { setTimeout(step, 40); }
             };
             step();",
            vec![serde_json::json!(rows)],
        )
        .await?;
    let mut frames: Vec<f64> = scrolled[1]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    frames.sort_by(f64::total_cmp);
    let frame_pct = |p: f64| {
        frames
            .get(((frames.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
    };
    let scrolled = scrolled[0].clone();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = app_memory(&app)?;
    let rendered = app.count("#timeline-rows .row").await?;

    let report = serde_json::json!({
        "dataset": dataset.unwrap_or_else(|| "demo".to_owned()),
        "first_sync_s": sync_s,
        "frame_interval_while_scrolling_ms": {
            "frames": frames.len(),
            "p50": frame_pct(0.5), "p95": frame_pct(0.95), "p99": frame_pct(0.99), "max": frame_pct(1.0),
        },
        "queries": queries.len(),
        "burst": parts(&burst),
        "paced": parts(&paced),
        "each_burst": burst.iter().zip(&queries).map(|(t, q)| format!("{q} {} ({} + {} + {})", t["total"], t["wait"], t["ipc"], t["render"])).collect::<Vec<_>>(),
        "idle": { "rss_mb": idle.0, "pss_mb": idle.1, "processes": idle.2 },
        "after_scrolling": { "rows_scrolled": scrolled, "rows_in_dom": rendered, "rss_mb": after.0, "pss_mb": after.1 },
    });
    #[allow(clippy::print_stdout)] // The report is the benchmark's output.
    {
        println!("UI-BENCHMARK {report}");
    }
    app.close().await
}

/// The pace of the paced typing: a fast typist's 80 words a minute, about seven keys a second.
const TYPING_INTERVAL: Duration = Duration::from_millis(150);

/// The palette's newest `data-timing` once it differs from `previous`: the paint of the
/// keystroke just sent (waited for in the page, so that polling adds no work to its frames).
async fn next_timing(app: &App, previous: Option<&str>) -> anyhow::Result<String> {
    let timing = app
        .client
        .execute_async(
            "const [previous, done] = [arguments[0], arguments[arguments.length - 1]];
             const results = document.querySelector('#palette #search-results');
             const read = () => results.getAttribute('data-timing');
             if (read() && read() !== previous) { done(read()); return; }
             const watch = new MutationObserver(() => {
               if (read() && read() !== previous) { watch.disconnect(); done(read()); }
             });
             watch.observe(results, { attributes: true, attributeFilter: ['data-timing'] });",
            vec![serde_json::json!(previous)],
        )
        .await?;
    Ok(timing.as_str().unwrap_or_default().to_owned())
}

/// Esc, and the palette gone.
async fn close_palette(app: &App) -> anyhow::Result<()> {
    app.client
        .find(Locator::Css("#palette-input"))
        .await?
        .send_keys("\u{E00C}")
        .await?;
    app.wait_js(
        Duration::from_secs(10),
        "!document.querySelector('#palette')",
    )
    .await
}

/// RSS and PSS in MB, and the number of processes, of the app and the WebKit processes below
/// it (found by the data directory in its environment).
/// `cargo xtask bench tray [--minutes N]`: the app signed in to a quiet simulator, its first
/// sync done, the window closed to the tray; every minute for `N` (10) minutes, the CPU time
/// the app and its WebKit processes used in that minute and their PSS. Measures and prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: `cargo xtask bench tray` runs it"]
#[allow(clippy::print_stdout)] // The report is the benchmark's output.
async fn tray_idle_benchmark() -> anyhow::Result<()> {
    let minutes: u64 = std::env::var("ORRERY_BENCH_MINUTES")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(10);
    let sim = zsxq_sim::serve(zsxq_sim::SimConfig::default(), "127.0.0.1:0".parse()?).await?;
    let app = App::launch_with(Launch::desktop_for(sim.base_url())).await?;
    app.sign_in(sim.token(), Duration::from_secs(600)).await?;
    crate::notify::close_to_tray(&app).await?;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let pid = app_pid(&app)?;
    let ticks = |pids: &[u32]| pids.iter().map(|p| cpu_ticks(*p)).sum::<u64>();
    let mut last = ticks(&descendants(pid));
    let requests_at_close = sim.requests().total;
    println!("minute | CPU % of a core | PSS MiB | processes");
    for minute in 1..=minutes {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let pids = descendants(pid);
        let now = ticks(&pids);
        let pss: u64 = pids.iter().map(|p| memory_kb(*p).1).sum();
        // 100 ticks a second: ticks over 60 s is a percentage of one core over 60.
        println!(
            "{minute:>6} | {:>15.2} | {:>7.1} | {}",
            (now - last) as f64 / 60.0,
            pss as f64 / 1024.0,
            pids.len()
        );
        last = now;
    }
    println!(
        "requests to the service while in the tray: {}",
        sim.requests().total - requests_at_close
    );
    Ok(())
}

/// The app's process: the `orrery` whose environment names this test's data directory.
fn app_pid(app: &App) -> anyhow::Result<u32> {
    let needle = format!("ORRERY_DATA_DIR={}", app.data_dir().display());
    std::fs::read_dir("/proc")?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == needle.as_bytes()))
                && std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|c| c.trim() == "orrery")
        })
        .ok_or_else(|| anyhow::anyhow!("the app's process was not found"))
}

fn app_memory(app: &App) -> anyhow::Result<(f64, f64, usize)> {
    let pid = app_pid(app)?;
    let pids = descendants(pid);
    let (rss, pss) = pids
        .iter()
        .map(|p| memory_kb(*p))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    Ok((rss as f64 / 1024.0, pss as f64 / 1024.0, pids.len()))
}
