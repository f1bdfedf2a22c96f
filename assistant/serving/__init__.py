"""How `make run` serves the app: gunicorn behind the Debian nginx, which `planes serve` configures,
starts and stops itself (nginx.py writes its configuration; supervise.py runs both processes)."""
