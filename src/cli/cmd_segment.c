/*
 * cmd_segment.c - `tmalign segment`: one article in, its sentences out.
 */
#include <getopt.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"

static int print_text(const tma_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n; i++) {
		if (i > 0 && doc->sent[i].para != doc->sent[i - 1].para)
			putchar('\n');
		fwrite(doc->sent[i].text, 1, doc->sent[i].len, stdout);
		putchar('\n');
	}
	return 0;
}

static int print_jsonl(const tma_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n; i++) {
		const tma_sentence *s = &doc->sent[i];
		cJSON *o = cJSON_CreateObject();
		char *line;

		if (!o || !cJSON_AddNumberToObject(o, "para", s->para) ||
		    !cJSON_AddNumberToObject(o, "sent", (double)i) ||
		    !cJSON_AddNumberToObject(o, "start", (double)s->start) ||
		    !cJSON_AddNumberToObject(o, "end", (double)s->end) ||
		    !cJSON_AddStringToObject(o, "text", s->text) ||
		    !(line = cJSON_PrintUnformatted(o))) {
			cJSON_Delete(o);
			return -1;
		}
		fputs(line, stdout);
		putchar('\n');
		cJSON_free(line);
		cJSON_Delete(o);
	}
	return 0;
}

int cmd_segment(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "join-lines", no_argument, NULL, 'j' },
		{ "presegmented", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lang_opt = NULL, *format = "text", *encoding = NULL, *path = "-";
	char lang[TMA_LANG_MAX];
	unsigned flags = 0;
	tma_error err = { 0, "" };
	tma_text *text = NULL;
	tma_segmenter *seg = NULL;
	tma_doc *doc = NULL;
	int c, status = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "l:f:e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': lang_opt = optarg; break;
		case 'f': format = optarg; break;
		case 'e': encoding = optarg; break;
		case 'j': flags |= TMA_SEG_JOIN_LINES; break;
		case 'p': flags |= TMA_SEG_PRESEGMENTED; break;
		case 'h': cli_print_usage(stdout, "segment"); return EXIT_OK;
		default: cli_print_usage(stderr, "segment"); return EXIT_USAGE;
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("segment", "one file at a time");
	if (optind < argc)
		path = argv[optind];
	if (strcmp(format, "text") != 0 && strcmp(format, "jsonl") != 0)
		return cli_usage_error("segment", "--format is text or jsonl, not '%s'",
				       format);
	if (lang_opt) {
		if (tma_lang_normalize(lang, NULL, lang_opt))
			return cli_usage_error("segment", "'%s' is not a language code",
					       lang_opt);
	} else if (strcmp(path, "-") == 0 ||
		   tma_lang_from_filename(lang, NULL, 0, path)) {
		return cli_usage_error("segment",
				       "cannot tell the language of %s: give --lang or "
				       "name the file NAME.LANG.txt",
				       strcmp(path, "-") == 0 ? "standard input" : path);
	}
	if (tma_text_load(&text, path, encoding, &err) ||
	    tma_segmenter_new(&seg, lang, &err) ||
	    tma_segment(&doc, seg, text, flags, &err)) {
		status = cli_report(&err);
		goto done;
	}
	if (encoding && strcmp(encoding, "auto") == 0)
		cli_warn("%s: detected %s (confidence %d%%)", tma_text_name(text),
			 tma_text_encoding(text), tma_text_confidence(text));
	if ((strcmp(format, "jsonl") == 0 ? print_jsonl(doc) : print_text(doc)) ||
	    fflush(stdout) || ferror(stdout)) {
		cli_warn("cannot write the output");
		status = EXIT_FAIL;
	}
done:
	tma_doc_free(doc);
	tma_segmenter_free(seg);
	tma_text_free(text);
	return status;
}
