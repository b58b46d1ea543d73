"""The dashboard's code, one package per feature; `app.py` routes to the thin pages in
`app_pages/`, which only compose widgets from here.

    config.py       Settings: every operator setting, read from the environment once
    runtime.py      what the server's sessions share (settings, run store, queue,
                    loaded models, the session watcher): the Streamlit caches
    common/         words, links, charts and cards every page shares
    analysis/       what to run: the model catalogue and the sidebar's settings
    regions/        the counting region: reading points, drawing them, the editor
    upload/         analyse an uploaded video: the page's state, the job, the queue
    live/           the live webcam: the session fed by WebRTC, its clock, its state
    cameras/        cameras analysed by `workers` on Ray: the list, the form, a dashboard
    runs/           saved runs: a result's view, a run's dashboard, the list, compare
    sessions/       a browser session's files and the cleanup after users who left

In every package, Streamlit lives only in `widgets.py` / `*_widgets.py`; the other
modules are plain Python with their own tests (tests/test_app_layout.py checks this).
"""
