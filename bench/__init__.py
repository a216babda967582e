"""``make bench``: build a dataset through egov's own code, run timed scenarios, print figures.

Run ``python -m bench --help``. Standard output holds only figures, one per line
(``name value unit``); notes for people go to standard error.

Modules, dependencies pointing down:
    __main__     command line: data dir, environment, setup, the scenario loop
    scenarios/   one module per scenario, registered with ``@scenario``
    run          ``Run``: what a scenario gets (size, duration, the shared server, the load tool)
    server       the real application server (granian) on a free port of 127.0.0.1
    load         wrk, or a Python fallback, against one URL
    dataset      the dataset steps, registered with ``@dataset_step``
    audit_trail  chained audit events in bulk (the dataset's million-event trail)
    figures      ``Figure`` and how it is printed
    errors       ``BenchError``: a failure with a message, exit status 1
    settings, urls   the project's settings and URLs plus a bare view, the baseline
"""
