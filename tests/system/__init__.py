"""System tests (marker ``system``): production set-ups of several processes on loopback.

``test_failover.py``: failover to a synchronous PostgreSQL standby (its docstring says how).

``test_faults.py``: the multi-instance fault test, below.

What runs (``cluster.py``), all on loopback: three Granian instances with the production
settings, nginx in front of them with the documented site ``deploy/nginx-rathaus.conf``
(rendered by ``bench/lib/proxy.py``: ports and upstreams substituted, TLS left out), a
PostgreSQL database of its own (``rathaus_system_<random>``, dropped at the end), a private
``redis-server`` on a free port (tasks and cache; restarting it disturbs nobody) and two Huey
consumers as ``deploy/rathaus-worker.service`` starts them. Their e-mail goes to a small SMTP
server in the test process (``smtp_sink.py``), one port per worker.

The load, at once: a release storm (300 clients for the 200 slots of an office released at that
moment, each hold behind a solved proof-of-work challenge, a booking with an e-mail for each
hold won), ten clients booking on a larger calendar throughout (e-mails keep coming) and a
Briefwahl rush (4,000 voters, every fourth applying twice at the same moment), all through nginx.
And payments (``payments.py``): forty submitted cases of Norderstedt owe a fee, each an open
payment of its own amount, each owned by an anonymous citizen's session. Before the faults every
citizen presses "pay" on the payment's page (through nginx; Rathaus creates the transaction at
the platform and redirects to its pay page). Through the faults, in five groups (one at once,
one as each fault begins), each pays on the platform's pay page — paid, declined, cancelled,
"pending, then paid", "pending, then failed" in turn — and comes back to Rathaus's return page
(through nginx, again after an error), which asks the platform for the status. The platform is
the demo payment platform (``providers/demo``, the project's stand-in for XBezahldienste),
served by a Rathaus process of its own with the demo settings on the cluster's database and
keys, without the cluster's Redis: the production settings never serve it (``RATHAUS_DEMO`` is
off there whatever the environment says), so it stands beside the installation as a real
platform would; only the ending of PostgreSQL's connections reaches it (its records are a table
in the same database), and a citizen tries its pay page again after an error. The town's
payment configuration (the demo data's) is pointed at it.
After the load the status poll (``payments.tasks.reconcile``, every five minutes in production)
runs twice: a "pending" transaction settles at the next query.

The faults, one after the other while the load goes on: one web instance is killed (SIGKILL,
its whole process group) and restarted; a worker is killed (SIGKILL) while it sends an e-mail —
certainly mid-task: the SMTP sink holds back its answer to that mail's data until the worker is
dead, so the worker is inside its delivery task with the row locked; Redis is stopped and
started again (its queue and cache lost, as without persistence); PostgreSQL ends every
connection to the database (``pg_terminate_backend``).

Afterwards (``check.py``, in the cluster's environment): every hold a client was answered 201 for
exists, no slot is oversold and the ``taken`` counters match the holds; every booking answered
202 exists, no hold or address is booked twice; no voter has two accepted applications or,
after the lists are approved and every Wahlschein issued, two valid Wahlscheine, and no accepted
application a client was told of is missing; no queued e-mail is left, every booking's e-mail
arrived, never as two different mails; the e-mail cut off by the worker kill arrived later. Every
payment is in the state its ledger's allowed transitions lead to (the last transition is the
status, ``paid_at`` is set exactly when paid), none is booked twice, the amounts are those
requested at every step (the platform's record included), every payment the platform reports
paid is PAID here (or flagged for a clerk with a reason), and none the platform settled is left
open or pending after the poll; all forty were started.

E-mail is delivered at least once: the queued row, not the task, carries the guarantee
(``notifications.tasks.waiting_emails_resend`` hands an overdue row to a worker again every
minute). A mail is sent twice only when its worker dies or loses its database connection after
the mail server said "250" and before the row's deletion commits; both sends carry the same
Message-ID, and the test allows at most one such repeat per worker thread (it prints how many).

The numbers — requests by kind and status, the error rate (5xx or no answer) during each fault
and outside them, holds, oversold units, bookings, applications, Wahlscheine, e-mails, payments
by step and status — are printed in pytest's terminal summary (``conftest.py``), so CI shows them
without ``-s``. The collected static files are kept in ``var/system/static`` while their
sources do not change; the other files of the last run (server, worker, nginx, Redis and payment
platform logs) stay in ``var/system`` to be read. The storm office is released "now"
(``release_storm_seed release``), with the storm day a week after the release's day in Berlin: when
midnight passed since the seed, the storm day moves with it, so the test runs at any time of day.
"""
