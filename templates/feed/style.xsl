<?xml version="1.0" encoding="UTF-8"?>
<!--
  herald's feed stylesheet: shows an RSS 2.0 or Atom 1.0 feed as a readable
  page when a person opens it in a browser. Feed readers ignore it. It loads
  nothing from elsewhere: the styles are inline and there are no scripts.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <xsl:variable name="lang" select="rss/channel/language | atom:feed/@xml:lang"/>
    <xsl:variable name="self" select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/>
    <html lang="{$lang}">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <style>
          body { font: 17px/1.55 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #222; background: #fdfdfd; }
          .about { background: #eef4fb; border-radius: .5rem; padding: .75rem 1rem; font-size: .95rem; }
          .about code { background: #fff; padding: .1rem .3rem; border-radius: .25rem; word-break: break-all; }
          h1 { margin-bottom: .25rem; }
          ol { list-style: none; padding: 0; }
          li { margin: 1.25rem 0; padding-bottom: 1rem; border-bottom: 1px solid #ddd; }
          li a { font-weight: 600; font-size: 1.1rem; }
          .meta { color: #666; font-size: .85rem; }
          @media (prefers-color-scheme: dark) {
            body { color: #ddd; background: #181818; }
            .about { background: #1f2a36; }
            .about code { background: #111; }
            a { color: #8cc4ff; }
            .meta { color: #aaa; }
          }
        </style>
      </head>
      <body>
        <p class="about">
          This is a web feed. Copy its address into a feed reader to follow new posts:
          <code><xsl:value-of select="$self"/></code>
          <xsl:if test="contains($self, '/feeds/')">
            <br/><a href="{concat(substring-before($self, '/feeds/'), '/feeds/')}">Every feed of this site, and how to subscribe</a>
          </xsl:if>
        </p>
        <xsl:apply-templates select="rss/channel | atom:feed"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="channel">
    <header>
      <h1><xsl:value-of select="title"/></h1>
      <p><xsl:value-of select="description"/></p>
      <p><a href="{link}">Visit the site</a></p>
    </header>
    <ol>
      <xsl:for-each select="item">
        <li dir="auto">
          <a href="{link}"><xsl:value-of select="title"/></a>
          <div class="meta">
            <xsl:value-of select="pubDate"/>
            <xsl:for-each select="dc:creator | author">
              <xsl:text> · </xsl:text><xsl:value-of select="."/>
            </xsl:for-each>
          </div>
          <p><xsl:value-of select="description"/></p>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>

  <xsl:template match="atom:feed">
    <header>
      <h1><xsl:value-of select="atom:title"/></h1>
      <p><xsl:value-of select="atom:subtitle"/></p>
      <p><a href="{atom:link[@rel='alternate']/@href}">Visit the site</a></p>
    </header>
    <ol>
      <xsl:for-each select="atom:entry">
        <li dir="auto">
          <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
          <div class="meta">
            <xsl:value-of select="substring(atom:published, 1, 10)"/>
            <xsl:for-each select="atom:author">
              <xsl:text> · </xsl:text><xsl:value-of select="atom:name"/>
            </xsl:for-each>
          </div>
          <p><xsl:value-of select="atom:summary"/></p>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>
</xsl:stylesheet>
