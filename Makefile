# The two user commands; everything else lives in cmake/ehub.sh.
.PHONY: demo test
demo:
	@bash cmake/ehub.sh demo
test:
	@bash cmake/ehub.sh test
