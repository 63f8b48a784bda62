# Thin wrappers over npm scripts; `npm ci` first.
.PHONY: install build test lint typecheck e2e bench demo sim clean

install:
	npm ci

build:
	npm run build --if-present

typecheck:
	npm run typecheck

lint:
	npm run lint

test:
	npm test

e2e:
	npm run e2e

bench:
	npm run bench

demo:
	npm start

sim:
	bin/podpulse sim --kubeconfig-out sim.kubeconfig

clean:
	rm -rf dist coverage test-results
