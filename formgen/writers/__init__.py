"""The writers (stage 5 of the pipeline): a plan in, a workbook (xlsx/) or a tagged PDF (pdf/) out.

Their only input is the plan: every line, row height, page break, picture and
chart is decided by compose before either writer runs, so the two outputs
print the same pages.
"""
