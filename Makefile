.PHONY: run test test-pg lint bench translations
run:
	python3 dev.py
test:
	python3 dev.py test
test-pg:
	TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python -m pytest -q
lint:
	.venv/bin/python -m ruff check . && .venv/bin/python -m ruff format --check .
bench:
	.venv/bin/python bench/bench_pages.py
translations:
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o elearn/translations/messages.pot .
	.venv/bin/pybabel update -i elearn/translations/messages.pot -d elearn/translations
	.venv/bin/pybabel compile -d elearn/translations
